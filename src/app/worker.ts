import type { Logger } from "./create-logger.js";
import type { Delivery, Store } from "./store/store.js";
import { LeakguardError } from "../errors.js";

// Takes deliveries from the durable queue one at a time. A job that fails on something
// passing (GitHub 5xx after the client's own retries, a network error) goes back to the
// queue with a growing delay; a job that can never succeed is marked failed and logged.
// Either way the server keeps running.

export interface Worker {
  start(): Promise<void>;
  /** Look at the queue now (called after each enqueue). */
  kick(): void;
  /** Resolves once the queue holds nothing that can run now. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  store: Store;
  log: Logger;
  handle(d: Delivery): Promise<void>;
  pollMs?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
}

function unwrap(err: unknown): unknown {
  return err instanceof AggregateError && err.errors.length ? err.errors[0] : err;
}

export function isRetryable(err: unknown): boolean {
  const e = unwrap(err);
  const status = (e as { status?: number }).status;
  if (typeof status === "number") return status >= 500 || status === 429 || status === 403;
  return !(e instanceof LeakguardError);
}

export function createWorker(opts: WorkerOptions): Worker {
  const { store, log } = opts;
  const maxAttempts = opts.maxAttempts ?? 5;
  let stopped = false;
  let again = false;
  let loop: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  async function runOne(d: Delivery): Promise<void> {
    const dlog = log.child({ delivery: d.id, event: d.name, attempt: d.attempts });
    try {
      await opts.handle(d);
      await store.finish(d.id, "done");
      dlog.info("delivery processed");
    } catch (raw) {
      const err = unwrap(raw);
      const message = err instanceof Error ? err.message : String(err);
      if (isRetryable(err) && d.attempts < maxAttempts) {
        const delay = (opts.retryDelayMs ?? 30_000) * d.attempts ** 2;
        await store.release(d.id, message, delay);
        dlog.warn({ err, delayMs: delay }, "delivery failed; will retry");
      } else {
        await store.finish(d.id, "failed", message);
        dlog.error({ err }, "delivery failed");
      }
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (let d = await store.claim(); d && !stopped; d = stopped ? null : await store.claim()) await runOne(d);
    } while (again && !stopped);
  }

  const worker: Worker = {
    async start() {
      const resumed = await store.recover();
      if (resumed) log.info({ resumed }, "resuming deliveries left unfinished by a previous run");
      timer = setInterval(() => worker.kick(), opts.pollMs ?? 5000);
      timer.unref();
      worker.kick();
    },
    kick() {
      if (stopped) return;
      if (loop) {
        again = true;
        return;
      }
      loop = drain()
        .catch((err: unknown) => log.error({ err }, "queue error"))
        .finally(() => {
          loop = null;
        });
    },
    async idle() {
      while (loop) await loop;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await worker.idle();
    },
  };
  return worker;
}
