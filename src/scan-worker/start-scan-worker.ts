import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { CorruptObjectError, CorruptRepositoryError, GitError, LeakguardError, ScanTimeoutError, UsageError } from "../errors.js";
import type { ScanJob, ScanJobResult } from "./run-scan-job.js";
import { killAll, stopThread } from "./stop-thread.js";

// Matching runs synchronously, so a timer on the thread that matches never fires while
// hostile content is being matched (issue 8, item 5). The scan runs in a worker thread
// instead: this thread only keeps time (and the app's HTTP server answering), and at the
// deadline the worker is terminated wherever it is and every git process it started is
// killed. A thread, not a process: no second Node start-up per push.

/** Room in the shared pid table: a scan runs a handful of git processes at a time. */
const MAX_CHILDREN = 256;
/** How long a worker asked to abort may take to stop its git processes itself. */
const ABORT_GRACE_MS = 50;

export interface ScanWorker {
  /**
   * Runs one job. Settles within `timeoutMs` (plus the few ms stopping takes): with the
   * result, the job's own error (typed as it was thrown), or ScanTimeoutError.
   */
  run(job: ScanJob, timeoutMs: number): Promise<ScanJobResult>;
  /** Ends the worker and kills what it started; a no-op once a job has settled. */
  close(): Promise<void>;
  /** True once the thread can take no further job (stopped, timed out, crashed). */
  readonly dead: boolean;
  /** An idle pooled thread must not keep the process alive; a busy one must. */
  unref(): void;
  ref(): void;
}

/**
 * Starts the thread now, so that its start-up overlaps whatever the caller does next.
 * `reusable`: the thread stays for further jobs, one at a time, until a job times out or
 * fails the thread (then `dead` is true) or `close()` is called; see scan-pool.ts.
 * `nice`: the thread and its git processes run at that lower priority (Linux: per thread).
 * `stopGraceMs`: how long a thread being stopped is given to end by itself, its git
 * processes killed and reaped by its own loop, before it is terminated (which may leave a
 * zombie: stop-thread.ts). A long-lived process (the app) gives it seconds and does not wait
 * for it; a short one (the hook) ends soon anyway.
 */
export function startScanWorker(opts: { reusable?: boolean; nice?: number; stopGraceMs?: number } = {}): ScanWorker {
  const graceMs = opts.stopGraceMs ?? ABORT_GRACE_MS;
  const reusable = opts.reusable === true;
  const pids = new Int32Array(new SharedArrayBuffer(4 * MAX_CHILDREN));
  /** Set when the thread is being stopped: a child it starts from then on is killed at once (stop-thread.ts). */
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  // The thread's scratch folder (scan-worker.ts): removed once the thread has ended, however it ended.
  const tmp = mkdtempSync(join(tmpdir(), "leakguard-scan-"));
  const worker = new Worker(new URL("./scan-worker.js", import.meta.url), { workerData: { pids: pids.buffer, stopping: stopFlag.buffer, reusable, nice: opts.nice ?? 0, tmp } });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    worker.once("exit", () => {
      rmSync(tmp, { recursive: true, force: true });
      resolve();
    }),
  );
  void exit.then(() => (exited = true));
  let stopping: Promise<void> | null = null;

  let answered = false;
  let dead = false;
  const stop = () =>
    (stopping ??= (async () => {
      dead = true;
      if (answered && !reusable) {
        // The job ended and closed its git processes; the thread is on its way out.
        worker.unref();
      } else if (!exited) {
        // Also to an idle reusable thread: it ends at once.
        worker.postMessage({ type: "abort" });
        await Promise.race([exit, new Promise((r) => setTimeout(r, graceMs).unref())]);
        if (!exited) await stopThread(worker, pids, stopFlag);
      }
      // Whatever is still in the table was not seen to exit: kill it. A finished child's
      // slot is cleared when it exits, so no pid here has been handed to another process.
      killAll(pids);
    })());

  return {
    get dead() {
      return dead || exited;
    },
    run(job, timeoutMs) {
      answered = false;
      let healthy = false;
      return new Promise<ScanJobResult>((resolve, reject) => {
        let settled = false;
        const settle = (f: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          worker.off("message", onMessage);
          worker.off("error", onError);
          f();
        };
        // The timeout settles first: the worker's exit while it is being stopped is not a failure.
        const timer = setTimeout(() => {
          settle(() => reject(new ScanTimeoutError(`the scan did not finish within ${timeoutMs} ms`, { timeoutMs })));
        }, Math.max(0, timeoutMs));
        const onMessage = (m: { type: "done"; result: ScanJobResult } | { type: "failed"; error: Record<string, unknown>; aborted: boolean }) => {
          if (m.type === "failed" && m.aborted) return;
          answered = true;
          // Only a job that ended well leaves its thread reusable: a failed one may have
          // left git processes behind, and stopping the thread kills them.
          healthy = m.type === "done";
          settle(() => (m.type === "done" ? resolve(m.result) : reject(fromPlainError(m.error))));
        };
        const onError = (err: Error) => settle(() => reject(new LeakguardError(`scan worker failed: ${err.message}`)));
        worker.on("message", onMessage);
        worker.once("error", onError);
        void exit.then(() => settle(() => reject(new LeakguardError("scan worker ended without a result"))));
        worker.postMessage({ type: "run", job });
        // A reusable thread that answered stays for the next job; anything else is stopped.
      }).finally(() => {
        if (reusable && healthy) return;
        const stopped = stop();
        // A thread given seconds to end by itself is not waited for: the caller has its answer.
        return graceMs > ABORT_GRACE_MS ? undefined : stopped;
      });
    },
    close: stop,
    unref: () => worker.unref(),
    ref: () => worker.ref(),
  };
}

const CLASSES: Record<string, new (message: string, data?: Record<string, unknown>) => LeakguardError> = {
  LeakguardError,
  UsageError,
  CorruptRepositoryError,
  CorruptObjectError,
  ScanTimeoutError,
};

function fromPlainError(e: Record<string, unknown>): Error {
  const message = String(e["message"] ?? "");
  const data = (e["data"] ?? {}) as Record<string, unknown>;
  if (e["name"] === "GitError") return new GitError(message, (e["exitCode"] as number | null) ?? null, String(e["stderr"] ?? ""));
  const Class = CLASSES[String(e["name"])];
  return Class ? new Class(message, data) : new Error(message);
}
