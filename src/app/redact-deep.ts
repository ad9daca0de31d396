import { redactAll } from "../findings/redact.js";

// Redaction of a value before it is serialised, string by string, keys included. Redacting
// the JSON text instead misses keys: a newline before a key is the two characters `\n` in
// JSON, and the `n` glued to `sk_live_` defeats the key pattern's word boundary (issue 9).

/** A deep copy of `value` with every key-shaped substring of every string (and property name) redacted. */
export function redactDeep(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactAll(value);
  if (value instanceof Error) {
    return { type: value.name, message: redactAll(value.message), ...(value.stack ? { stack: redactAll(value.stack) } : {}) };
  }
  if (value === null || typeof value !== "object" || Buffer.isBuffer(value)) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactAll(k)] = redactDeep(v, seen);
  return out;
}
