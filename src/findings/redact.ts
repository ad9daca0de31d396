import { KEY_PREFIX_SOURCE } from "../vocabulary/index.js";

/** `sk_live_…wxyz`: the prefix says what it is, the last four let an owner find it in the Dashboard. */
export function redact(secret: string): string {
  const prefix = secret.slice(0, secret.indexOf("_", 3) + 1);
  return `${prefix}…${secret.slice(-4)}`;
}

// No left guard: the scanner finds keys after `%3D` or `\n` too (issue 10), and hiding a
// `desk_live_…` identifier in an error line costs nothing.
const ANY_KEY = new RegExp(`${KEY_PREFIX_SOURCE}[A-Za-z0-9]{8,}`, "g");

/** Last line of defence for free text (error messages, git stderr): no key survives it. */
export function redactAll(text: string): string {
  return text.replace(ANY_KEY, (k) => redact(k));
}
