import { createVerify } from "node:crypto";
import type { KeyObject } from "node:crypto";

// Checks an app JWT the way GitHub does: RS256 signed by the app's key, `iss` the app id,
// issued in the past, expiring in the future and at most 10 minutes after `iat`.
// The messages are GitHub's own: @octokit/auth-app recognises the clock-skew ones and retries.

export type JwtCheck = { ok: true } | { ok: false; message: string };

const INVALID = "A JSON web token could not be decoded";

export function verifyAppJwt(jwt: string, appId: number, publicKey: KeyObject, nowMs: number): JwtCheck {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { ok: false, message: INVALID };
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerB64, "base64url").toString("utf8")) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(payloadB64, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return { ok: false, message: INVALID };
  }
  if (header["alg"] !== "RS256") return { ok: false, message: INVALID };
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${headerB64}.${payloadB64}`);
  if (!verifier.verify(publicKey, Buffer.from(signatureB64, "base64url"))) {
    return { ok: false, message: "A JSON web token could not be decoded" };
  }
  if (String(payload["iss"]) !== String(appId)) {
    return { ok: false, message: "'Issuer' claim ('iss') must be an Integer" };
  }
  const now = Math.floor(nowMs / 1000);
  const iat = payload["iat"];
  const exp = payload["exp"];
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > now + 60) {
    return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  }
  if (typeof exp !== "number" || exp <= now) {
    return { ok: false, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  }
  if (exp - iat > 600) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  return { ok: true };
}
