import { generateKeyPairSync, randomInt } from "node:crypto";
import type { KeyObject } from "node:crypto";

// A GitHub App identity made at test time: the private key signs the app's JWTs, the double
// verifies them with the public key. Nothing key-like is ever committed.

export interface TestApp {
  appId: number;
  /** PKCS#1 PEM, the format GitHub hands out when you generate an app's private key. */
  privateKeyPem: string;
  publicKey: KeyObject;
  /** The app's URL slug, as in https://github.com/apps/<slug>. */
  slug: string;
}

export function makeTestApp(options: { appId?: number; slug?: string } = {}): TestApp {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    appId: options.appId ?? randomInt(100_000, 999_999),
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey,
    slug: options.slug ?? "leakguard-test",
  };
}
