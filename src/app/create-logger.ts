import { pino } from "pino";
import type { Logger } from "pino";
import { redactAll } from "../findings/redact.js";

export type { Logger };

// Every log line passes through redactAll, whatever a caller hands in (an error from git,
// a payload excerpt): a key that slipped into a message still never reaches the log.
// Tokens and the app's private key are censored by field name as a second guard.

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactAll(value);
  if (value instanceof Error) {
    return { type: value.name, message: redactAll(value.message), ...(value.stack ? { stack: redactAll(value.stack) } : {}) };
  }
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

export function createLogger(destination?: NodeJS.WritableStream, level = "info"): Logger {
  return pino(
    {
      level,
      base: { name: "leakguard" },
      redact: { paths: ["privateKey", "token", "*.token", "headers.authorization", "*.headers.authorization"], censor: "[redacted]" },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
