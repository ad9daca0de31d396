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

/**
 * Deliveries of one repository taken together (queue/take-batch): each runs as before, one
 * after another, with its own outcome and its own check run, but what does not depend on the
 * push (the fetch, the repository's configuration) is done once for all of them.
 */
export interface Batch {
  /** This delivery is the batch's last: work about the repository as a whole (re-checks) is done here. */
  readonly last: boolean;
  /** The first call's promise for `key`, shared by every delivery of the batch. */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** True for the first call with `key` in the batch, false after. */
  first(key: string): boolean;
  /** The promise an earlier `once(key)` made, if any. */
  made<T>(key: string): Promise<T> | undefined;
  /** This delivery and the ones after it in the batch, in queue order (one scan may serve them all). */
  readonly rest: readonly Delivery[];
}

/** Pushes of one repository taken at once, at most. */
export const MAX_BATCH = 50;

/** `deliveries`: the batch in queue order; `at(last, i)` is the i-th. */
export function createBatch(deliveries: readonly Delivery[] = []): { at(last: boolean, index?: number): Batch } {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) memo.set(key, (p = make()));
    return p;
  };
  const seen = new Set<string>();
  const first = (key: string) => !seen.has(key) && Boolean(seen.add(key));
  const made = <T>(key: string) => memo.get(key) as Promise<T> | undefined;
  return { at: (last, index = deliveries.length) => ({ last, once, first, made, rest: deliveries.slice(index) }) };
}

export function soloBatch(): Batch {
  return createBatch().at(true);
}

export interface WorkerOptions {
  log: Logger;
  handle(d: Delivery, batch: Batch): Promise<void>;
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
export async function runDelivery(d: Delivery, opts: WorkerOptions, batch: Batch = soloBatch()): Promise<Outcome> {
  try {
    await opts.handle(d, batch);
    return { kind: "done" };
  } catch (raw) {
    const err = unwrap(raw);
    // The delivery's note is read by operators: our errors show as everywhere else.
    const message = err instanceof LeakguardError ? prefixed(err.message) : err instanceof Error ? err.message : String(err);
    const retry = isRetryable(err) && d.attempts < (opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    return { kind: retry ? "retry" : "failed", err, message };
  }
}
