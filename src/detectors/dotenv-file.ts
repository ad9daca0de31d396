import type { Detector, Severity } from "./types.js";
import { isDotenvPath, isDotenvTemplate } from "./dotenv-path.js";
import { detectStripeKeys } from "./stripe-keys.js";
import { fileFacts, vectorOf } from "./vector.js";

// A committed dotenv file is a leak even before we know what is in it: it is the file
// that holds production secrets, and once tracked, the next real value lands in history.
// Severity says how bad it already is.

/** `NAME=value` where NAME says secret and the value is not empty or a reference. */
const SECRET_ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?[A-Z0-9_]*(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|DSN|CREDENTIALS?|DATABASE_URL)[A-Z0-9_]*[ \t]*=[ \t]*["']?(?!\$)[^\s#"'$]{6,}/im;

export const detectDotenvFile: Detector = (input) => {
  const { path, bytes } = input;
  if (!isDotenvPath(path)) return [];
  const keys = detectStripeKeys(input);
  if (isDotenvTemplate(path) && keys.length === 0) return [];
  const live = keys.some((m) => m.rule.startsWith("stripe-live") || m.rule === "generic-live-secret-key");
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const severity: Severity = live ? "high" : SECRET_ASSIGNMENT.test(text) ? "medium" : "low";
  return [
    {
      rule: "dotenv-file",
      severity,
      vector: vectorOf(path, "", fileFacts(path, text)),
      line: 1,
      column: 1,
      secret: null,
      identity: `dotenv-file:${path}`,
      allowed: false,
    },
  ];
};
