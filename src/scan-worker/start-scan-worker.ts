import { Worker } from "node:worker_threads";
import { CorruptObjectError, CorruptRepositoryError, GitError, LeakguardError, ScanTimeoutError, UsageError } from "../errors.js";
import type { ScanJob, ScanJobResult } from "./run-scan-job.js";

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
}

/** Starts the thread now, so that its start-up overlaps whatever the caller does next. */
export function startScanWorker(): ScanWorker {
  const pids = new Int32Array(new SharedArrayBuffer(4 * MAX_CHILDREN));
  const worker = new Worker(new URL("./scan-worker.js", import.meta.url), { workerData: { pids: pids.buffer } });
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  void exit.then(() => (exited = true));
  let stopping: Promise<void> | null = null;

  let answered = false;
  const stop = () =>
    (stopping ??= (async () => {
      if (answered) {
        // The job ended and closed its git processes; the thread is on its way out.
        worker.unref();
      } else if (!exited) {
        worker.postMessage({ type: "abort" });
        await Promise.race([exit, new Promise((r) => setTimeout(r, ABORT_GRACE_MS).unref())]);
        await worker.terminate();
      }
      // Whatever is still in the table was not seen to exit: kill it. A finished child's
      // slot is cleared when it exits, so no pid here has been handed to another process.
      for (const pid of pids) {
        if (pid === 0) continue;
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    })());

  return {
    run(job, timeoutMs) {
      return new Promise<ScanJobResult>((resolve, reject) => {
        let settled = false;
        const settle = (f: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          f();
        };
        // The timeout settles first: the worker's exit while it is being stopped is not a failure.
        const timer = setTimeout(() => {
          settle(() => reject(new ScanTimeoutError(`the scan did not finish within ${timeoutMs} ms`, { timeoutMs })));
        }, Math.max(0, timeoutMs));
        worker.on("message", (m: { type: "done"; result: ScanJobResult } | { type: "failed"; error: Record<string, unknown>; aborted: boolean }) => {
          if (m.type === "failed" && m.aborted) return;
          answered = true;
          settle(() => (m.type === "done" ? resolve(m.result) : reject(fromPlainError(m.error))));
        });
        worker.once("error", (err) => settle(() => reject(new LeakguardError(`scan worker failed: ${err.message}`))));
        void exit.then(() => settle(() => reject(new LeakguardError("scan worker ended without a result"))));
        worker.postMessage({ type: "run", job });
      }).finally(stop);
    },
    close: stop,
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
