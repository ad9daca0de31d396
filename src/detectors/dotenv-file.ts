import type { Severity } from "../vocabulary/index.js";
import { isLiveKey } from "../vocabulary/index.js";
import type { Detector } from "./types.js";
import { isDotenvPath, isDotenvTemplate } from "./dotenv-path.js";
import { detectStripeKeys } from "./stripe-keys.js";
import { fileFacts, vectorOf } from "./vector.js";

// A committed dotenv file is a leak even before we know what is in it: it is the file
// that holds production secrets, and once tracked, the next real value lands in history.
// Severity says how bad it already is.

/**
 * One `NAME=value` line, tried at each line start (sticky) and never past its end: no
 * class here holds a newline, so a file of 200,000 blank lines costs 200,000 short tries.
 * The value must not be empty or a reference. NAME is checked apart (SECRET_NAME): in one
 * pattern, `[A-Z0-9_]*KEYWORD[A-Z0-9_]*` tries every split of a long name (quadratic).
 */
const ASSIGNMENT = /[ \t]*(?:export[ \t]+)?([A-Z0-9_]+)[ \t]*=[ \t]*["']?(?!\$)[^\s#"'$]{6}/iy;
/** Names that say secret. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|DSN|CREDENTIALS?|DATABASE_URL/i;
/** Where a line may start; `\r` too, as the `m` flag had it. */
const LINE_BREAK = /[\n\r]/g;

function hasSecretAssignment(text: string): boolean {
  LINE_BREAK.lastIndex = 0;
  for (let start = 0; start !== -1; ) {
    ASSIGNMENT.lastIndex = start;
    const m = ASSIGNMENT.exec(text);
    if (m && SECRET_NAME.test(m[1]!)) return true;
    start = LINE_BREAK.exec(text) ? LINE_BREAK.lastIndex : -1;
  }
  return false;
}

export const detectDotenvFile: Detector = (input) => {
  const { path, bytes } = input;
  if (!isDotenvPath(path)) return [];
  const keys = detectStripeKeys(input);
  if (isDotenvTemplate(path) && keys.length === 0) return [];
  const live = keys.some((m) => isLiveKey(m.rule));
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const severity: Severity = live ? "high" : hasSecretAssignment(text) ? "medium" : "low";
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
