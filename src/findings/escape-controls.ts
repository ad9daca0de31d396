import { redactAll } from "./redact.js";

// Free text that may quote a repository-controlled name (an error naming a path, git's
// stderr): one line for the terminal, with no key and no control character in it.

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function octal(c: string): string {
  let out = "";
  for (const byte of Buffer.from(c, "utf8")) out += "\\" + byte.toString(8).padStart(3, "0");
  return out;
}

/**
 * Redacts every key and escapes control characters (C0 but newline and tab, DEL, C1,
 * bidi overrides) as octal; newlines are kept so multi-line output stays readable, and a
 * caller that wants one line passes `{ oneLine: true }`.
 */
export function escapeControls(text: string, opts: { oneLine?: boolean } = {}): string {
  const safe = redactAll(text).replace(CONTROL, octal);
  return opts.oneLine ? safe.replace(/\r?\n(?!$)/g, "\\n") : safe;
}
