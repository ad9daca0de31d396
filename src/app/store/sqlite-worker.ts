import type { Worker, WorkerOptions } from "../worker.js";
import { createBatch, MAX_BATCH, runDelivery } from "../worker.js";
import type { Batch } from "../worker.js";
import type { Delivery } from "./store.js";
import type { SqliteStore } from "./sqlite-store.js";

// The in-process consumer of the SQLite queue: `concurrency` loops claim deliveries; the
// claim itself keeps two deliveries of one repository from running at once. One process
// owns the file, so a delivery left running by a crash is simply handed out again at start.

/** How far ahead idle() looks for a delivery about to be retried. */
const SOON_MS = 250;

export function createSqliteWorker(store: SqliteStore, opts: WorkerOptions): Worker {
  const { log } = opts;
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  let stopped = false;
  let again = false;
  const loops = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  async function runOne(d: Delivery, batch: Batch): Promise<void> {
    const dlog = log.child({ delivery: d.id, event: d.name, attempt: d.attempts });
    const outcome = await runDelivery(d, opts, batch);
    if (outcome.kind === "done") {
      await store.finish(d.id, "done");
      dlog.info("delivery processed");
    } else if (outcome.kind === "retry") {
      const delay = (opts.retryDelayMs ?? 30_000) * d.attempts ** 2;
      await store.release(d.id, outcome.message, delay);
      dlog.warn({ err: outcome.err, delayMs: delay }, "delivery failed; will retry");
    } else {
      await store.finish(d.id, "failed", outcome.message);
      dlog.error({ err: outcome.err }, "delivery failed");
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (let ds = await store.claimBatch(MAX_BATCH); ds.length && !stopped; ds = stopped ? [] : await store.claimBatch(MAX_BATCH)) {
        // Each delivery ends on its own (done, retry, failed) as it finishes: a crash mid-batch
        // leaves the rest running, and start-up hands them out again (recover()).
        const batch = createBatch(ds);
        if (ds.length > 1) log.info({ deliveries: ds.map((d) => d.id) }, "pushes of one repository taken together");
        for (const [i, d] of ds.entries()) await runOne(d, batch.at(i === ds.length - 1, i));
        // A finished delivery may free its repository for a job another loop passed over.
        again = true;
      }
    } while (again && !stopped);
  }

  function spawn(): void {
    const loop: Promise<void> = drain()
      .catch((err: unknown) => log.error({ err }, "queue error"))
      .finally(() => {
        loops.delete(loop);
      });
    loops.add(loop);
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
      again = true;
      while (loops.size < concurrency) spawn();
    },
    async idle() {
      // A delivery put back for a short retry delay is work about to run: wait for it too.
      for (;;) {
        while (loops.size) await Promise.all([...loops]);
        const due = stopped ? null : await store.nextDue();
        if (due === null || due > SOON_MS) return;
        await new Promise((r) => setTimeout(r, due));
        worker.kick();
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await worker.idle();
    },
  };
  return worker;
}
