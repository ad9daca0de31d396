import { LeakguardError, prefixed } from "../errors.js";
import { redactAll } from "../findings/redact.js";

// Redaction of a value before it is serialised, string by string, keys included (issue 9:
// redacting the JSON text once asked for a word boundary that the `n` of an escaped `\n`
// glued to `sk_live_` defeated). findings/redact.ts's redactAll asks for no boundary at all,
// here as for a literal backslash-n in a commit message: redacting a little too much
// (`task_live_…`) harms no one.

/** A deep copy of `value` with every key-shaped substring of every string (and property name) redacted. */
export function redactDeep(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactAll(value);
  if (value instanceof Error) {
    // Our errors read in the log as on every other edge: with the prefix.
    return { type: value.name, message: redactAll(value instanceof LeakguardError ? prefixed(value.message) : value.message), ...(value.stack ? { stack: redactAll(value.stack) } : {}) };
  }
  if (value === null || typeof value !== "object" || Buffer.isBuffer(value)) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactAll(k)] = redactDeep(v, seen);
  return out;
}
