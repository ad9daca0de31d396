// Leaks planted at known places in the planned synthetic history, and the findings leakguard
// must report for them (by commit, path, rule and fingerprint; never the raw key). Key
// material comes from test/helpers/keys.ts, at run time.
import { createHash } from "node:crypto";
import { fakeKey, fakeLongKey, randomBase62 } from "../keys.js";
import type { Pools } from "./content.js";
import type { Rng } from "./make-rng.js";

/**
 * Computed here on purpose, not imported from src/findings/fingerprint.ts: the manifest is
 * an oracle for the scan, so a change of fingerprint in src must show as a mismatch.
 */
export const fingerprint = (v: string): string => createHash("sha256").update(v).digest("hex").slice(0, 32);

export interface PlantedFinding {
  path: string;
  rule: string;
  fingerprint: string;
}

/** Where a plant goes: a main commit, a merged topic branch, a never-merged branch, a message, a tag. */
export type PlantWhere = "main" | "feature" | "experiment" | "message" | "tag";

export interface Plant {
  /** Position in history, as a fraction of the commit count. */
  at: number;
  /** [path, content], or [path, null] to delete it. */
  files: [string, string | Buffer | null][];
  expect: PlantedFinding[];
  where?: PlantWhere;
  message?: string;
}

const RULE: Record<string, string> = { sk_live: "stripe-live-secret-key", rk_live: "stripe-live-restricted-key", sk_test: "stripe-test-secret-key", rk_test: "stripe-test-restricted-key" };
const keyFinding = (path: string, k: string): PlantedFinding => ({ path, rule: RULE[k.slice(0, 7)] ?? "unknown", fingerprint: fingerprint(k) });
const dotenvFinding = (path: string): PlantedFinding => ({ path, rule: "dotenv-file", fingerprint: fingerprint(`dotenv-file:${path}`) });

/** Filler around a planted line so keys sit deep inside a blob, not at its start. */
const pad = (rng: Rng, pool: readonly string[], n: number): string => Array.from({ length: n }, () => rng.pick(pool)).join("\n");

/** The plants, in history order; 18 findings in all. */
export function makePlants(rng: Rng, pools: Pools, binary: (rng: Rng, n: number) => Buffer): Plant[] {
  const code = pools.code;
  const k = Array.from({ length: 16 }, () => fakeKey());
  const kk = (i: number): string => k[i] as string;
  const plants: Plant[] = [];
  const add = (at: number, files: Plant["files"], expect: PlantedFinding[], extra: Partial<Plant> = {}): void => {
    plants.push({ at, files, expect, ...extra });
  };

  add(0.01, [["legacy/billing.php", `<?php\n${pad(rng, code, 40)}\n$stripe = new \\Stripe\\StripeClient('${kk(0)}');\n${pad(rng, code, 40)}\n`]], [keyFinding("legacy/billing.php", kk(0))]);
  add(0.03, [["legacy/billing.php", null]], []); // key only in old history: the file is gone at HEAD
  add(0.1, [["config/payments.js", `${pad(rng, code, 30)}\nconst stripeKey = "${kk(1)}";\n${pad(rng, code, 30)}\n`]], [keyFinding("config/payments.js", kk(1))]);
  add(0.55, [["config/payments.js", `${pad(rng, code, 30)}\nconst stripeKey = process.env.STRIPE_SECRET_KEY;\n`]], []); // added then deleted
  const long = fakeLongKey();
  add(0.2, [[".env.production", `NODE_ENV=production\nSTRIPE_SECRET_KEY=${long}\nPORT=8080\n`]], [keyFinding(".env.production", long), dotenvFinding(".env.production")]);
  add(0.25, [[".env", "PORT=3000\nDEBUG=true\n"]], [dotenvFinding(".env")]);
  add(0.26, [[".env.example", "STRIPE_SECRET_KEY=sk_" + "live_" + "x".repeat(24) + "\n"]], []);
  const rk = fakeKey("rk");
  add(0.3, [["android/app/src/main/res/values/stripe.xml", `<resources>\n  <string name="stripe_key">${rk}</string>\n</resources>\n`]], [keyFinding("android/app/src/main/res/values/stripe.xml", rk)]);
  const skt = fakeKey("sk", "test");
  add(0.33, [["test/fixtures/charges.json", `{\n  "api_key": "${skt}",\n  "charges": []\n}\n`]], [keyFinding("test/fixtures/charges.json", skt)]);
  const rkt = fakeKey("rk", "test");
  add(0.36, [["scripts/ci/smoke.sh", `#!/bin/sh\ncurl https://api.stripe.com/v1/charges -u ${rkt}:\n`]], [keyFinding("scripts/ci/smoke.sh", rkt)]);
  // A 1.5 MB minified bundle with a long-shape key in the middle of a long line: the blob
  // spans many pipe chunks.
  const bundleKey = fakeLongKey();
  const half = pad(rng, pools.bundle, 350);
  add(0.4, [["dist/vendor.min.js", `${half}\nvar k="${bundleKey}";${pad(rng, pools.bundle, 1)}\n${half}\n`]], [keyFinding("dist/vendor.min.js", bundleKey)]);
  const apk = Buffer.concat([binary(rng, 300_000), Buffer.from(`\0${kk(2)}\0`), binary(rng, 300_000)]);
  add(0.45, [["android/app/release.apk", apk]], [keyFinding("android/app/release.apk", kk(2))]);
  add(0.5, [["src/environments/environment.prod.ts", `export const environment = {\n  production: true,\n  stripeKey: '${kk(3)}',\n};\n`]], [keyFinding("src/environments/environment.prod.ts", kk(3))]);
  add(0.6, [], [keyFinding("(commit message)", kk(4))], { where: "message", message: `rotate payments config, old key was ${kk(4)}` });
  add(0.65, [["app/checkout/keys.rb", `${pad(rng, code, 20)}\nStripe.api_key = '${kk(5)}'\n`]], [keyFinding("app/checkout/keys.rb", kk(5))], { where: "feature" });
  add(0.7, [["docs/stripe-setup.md", [
    "Set STRIPE_SECRET_KEY to your key, e.g. sk_" + "live_" + "x".repeat(24) + ",",
    "or sk_" + "live_... or sk_" + "live_<your key> or sk_" + "live_YOUR_SECRET_KEY.",
    "Publishable keys such as pk_" + "live_" + randomBase62(24) + " are public.",
    "The desk_" + "live_stats table and sk_" + "test_123 in tests are not keys.",
  ].join("\n") + "\n"]], []);
  add(0.72, [["config/allowed.js", `const demo = "${kk(6)}"; // leakguard:allow\n`]], []); // suppressed inline
  add(0.8, [], [keyFinding("(tag {tag} message)", kk(7))], { where: "tag", message: `release notes\n\nhotfix for ${kk(7)}\n` });
  add(0.9, [["public/.env", `APP_DEBUG=true\nSTRIPE_SECRET=${kk(8)}\n`]], [keyFinding("public/.env", kk(8)), dotenvFinding("public/.env")]);
  add(0.93, [["app/config/keys.py", `import os\r\n${pad(rng, code, 10).replace(/\n/g, "\r\n")}\r\nSTRIPE = "${kk(9)}"\r\n`]], [keyFinding("app/config/keys.py", kk(9))]);
  add(0.6, [["scripts/seed.py", `import stripe\nstripe.api_key = "${kk(10)}"\n`]], [keyFinding("scripts/seed.py", kk(10))], { where: "experiment" });
  return plants.sort((a, b) => a.at - b.at);
}
