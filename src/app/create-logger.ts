import { pino } from "pino";
import type { Logger } from "pino";
import { redactDeep } from "./redact-deep.js";

export type { Logger };

// Every log argument passes through redactDeep (every string, at any depth), whatever a
// caller hands in (an error from git, a payload excerpt): a key that slipped into a message
// still never reaches the log.
// Tokens and the app's private key are censored by field name as a second guard.

export function createLogger(destination?: NodeJS.WritableStream, level = "info"): Logger {
  return pino(
    {
      level,
      base: { name: "leakguard" },
      redact: { paths: ["privateKey", "token", "*.token", "headers.authorization", "*.headers.authorization"], censor: "[redacted]" },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => redactDeep(a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
