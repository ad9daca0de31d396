import type { ScanJob, ScanJobResult } from "./run-scan-job.js";
import type { ScanWorker } from "./start-scan-worker.js";
import { startScanWorker } from "./start-scan-worker.js";

// The app scans push after push: starting a thread per scan (Node's internals compiled
// afresh, the scan's modules loaded again) cost about as much CPU as scanning a small push.
// A pool keeps finished threads for the next job. A job that times out or fails its thread
// still ends that thread and every git process it started (start-scan-worker.ts); the pool
// then starts a fresh one for the next job.

export interface ScanPool {
  /** As ScanWorker.run, on an idle thread of the pool (a new one when none is idle). */
  run(job: ScanJob, timeoutMs: number): Promise<ScanJobResult>;
  /** Stops every idle thread; threads still running a job stop when it ends. */
  close(): Promise<void>;
}

export function createScanPool(opts: { maxIdle: number; start?: () => ScanWorker }): ScanPool {
  const start = opts.start ?? (() => startScanWorker({ reusable: true }));
  const idle: ScanWorker[] = [];
  let closed = false;
  return {
    async run(job, timeoutMs) {
      let worker = idle.pop();
      while (worker?.dead) worker = idle.pop();
      worker ??= start();
      worker.ref();
      try {
        return await worker.run(job, timeoutMs);
      } finally {
        if (worker.dead || closed || idle.length >= opts.maxIdle) void worker.close();
        else {
          worker.unref();
          idle.push(worker);
        }
      }
    },
    async close() {
      closed = true;
      await Promise.all(idle.splice(0).map((w) => w.close()));
    },
  };
}

/** Below the webhook thread: an acknowledgement never waits for a scan's CPU, nor a fetch's (git-runner.ts). */
export const BACKGROUND_NICE = 10;

/** A stopped scan thread's time to end by itself (start-scan-worker.ts): matching one window of a hostile blob takes seconds. */
const APP_STOP_GRACE_MS = 30_000;

let shared: ScanPool | undefined;
/** The process's pool (the app): up to 16 idle threads, as many as the app runs jobs at once. */
export function sharedScanPool(): ScanPool {
  return (shared ??= createScanPool({ maxIdle: 16, start: () => startScanWorker({ reusable: true, nice: BACKGROUND_NICE, stopGraceMs: APP_STOP_GRACE_MS }) }));
}
