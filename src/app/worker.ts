import type { Logger } from "./create-logger.js";
import type { Delivery } from "./store/store.js";
import { LeakguardError, prefixed } from "../errors.js";

// What every queue consumer shares, whichever store holds the queue. A job that fails on
// something passing (GitHub 5xx after the client's own retries, a network error) goes
// back to the queue with a growing delay; a job that can never succeed is marked failed
// and logged. Either way the server keeps running.

export interface Worker {
  start(): Promise<void>;
  /** Look at the queue now (called after each enqueue). */
  kick(): void;
  /** Resolves once this worker holds no job and none is waiting that it could run now. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  log: Logger;
  handle(d: Delivery): Promise<void>;
  /** Jobs run at once in this instance (never two of one repository). */
  concurrency?: number;
  pollMs?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

function unwrap(err: unknown): unknown {
  return err instanceof AggregateError && err.errors.length ? err.errors[0] : err;
}

export function isRetryable(err: unknown): boolean {
  const e = unwrap(err);
  // Ours say so themselves (TransientError does); an API error by its status; anything else may pass.
  if (e instanceof LeakguardError) return e.retryable;
  const status = (e as { status?: number }).status;
  if (typeof status === "number") return status >= 500 || status === 429 || status === 403;
  return true;
}

export type Outcome = { kind: "done" } | { kind: "retry"; err: unknown; message: string } | { kind: "failed"; err: unknown; message: string };

/** Runs one delivery and says what the queue should do with it next. */
export async function runDelivery(d: Delivery, opts: WorkerOptions): Promise<Outcome> {
  try {
    await opts.handle(d);
    return { kind: "done" };
  } catch (raw) {
    const err = unwrap(raw);
    // The delivery's note is read by operators: our errors show as everywhere else.
    const message = err instanceof LeakguardError ? prefixed(err.message) : err instanceof Error ? err.message : String(err);
    const retry = isRetryable(err) && d.attempts < (opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    return { kind: retry ? "retry" : "failed", err, message };
  }
}
