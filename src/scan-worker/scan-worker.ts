import { subscribe } from "node:diagnostics_channel";
import type { ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { ScanJob } from "./run-scan-job.js";
import { runScanJob } from "./run-scan-job.js";

// The scan worker thread's entry. It runs one job and ends. Every child process it
// starts is written to a table the parent shares, so that the parent can kill them even
// when this thread is stopped in the middle of a match (a terminated thread closes its
// children's pipes but does not kill them).

const pids = new Int32Array(workerData.pids as SharedArrayBuffer);
/** Set by the parent when it stops this thread (stop-thread.ts). */
const stopping = workerData.stopping ? new Int32Array(workerData.stopping as SharedArrayBuffer) : null;

// The app's pool runs scans below the priority of the thread that answers webhooks, so a
// burst of scans never delays an acknowledgement. On Linux a nice value is per thread and
// inherited by the processes a thread starts: this thread's git children run below it too.
if (typeof workerData.nice === "number" && workerData.nice > 0) {
  try {
    setPriority(Math.min(19, workerData.nice));
  } catch {
    // not permitted here: scans run at the normal priority
  }
}

// Scratch directories (git grep's object directory) go under a folder the parent made for
// this thread and removes when the thread ends: a scan stopped at its deadline never gets
// to remove its own. os.tmpdir() reads TMPDIR, and this thread's environment is its own copy.
if (typeof workerData.tmp === "string") process.env["TMPDIR"] = workerData.tmp;

/** This thread's git processes that have not exited. */
const live = new Set<ChildProcess>();
/** Asked to stop (an abort): the thread ends once its job has, whether it is reusable or not. */
let ending = false;

subscribe("child_process", (message) => {
  const child = (message as { process: ChildProcess }).process;
  // The pid is set once spawn() returns, before any other task of this thread runs.
  queueMicrotask(() => {
    const pid = child.pid;
    if (pid === undefined) return;
    // Started while the parent is stopping this thread: killed here, so this loop reaps it.
    if (stopping && Atomics.load(stopping, 0) === 1) {
      child.kill("SIGKILL");
      return;
    }
    live.add(child);
    child.once("exit", () => live.delete(child));
    // Asked to end already (abort below): this one goes too.
    if (ending) child.kill("SIGKILL");
    const slot = pids.findIndex((p) => p === 0);
    if (slot === -1) return;
    Atomics.store(pids, slot, pid);
    child.once("exit", () => Atomics.compareExchange(pids, slot, pid, 0));
  });
});

const port = parentPort!;
/** A reusable worker (the app's pool) runs one job after another; the hook's runs one and ends. */
const reusable = workerData.reusable === true;
let controller = new AbortController();
let running = false;
port.on("message", (message: { type: "run"; job: ScanJob } | { type: "abort" }) => {
  if (message.type === "abort") {
    // Reached at this thread's first turn after the parent asked, even deep in a hostile
    // blob (matching yields between windows): its git processes are killed here and reaped
    // by this loop, and the thread ends by itself once its job has, leaving no zombie
    // behind (start-scan-worker.ts terminates it only if that takes too long).
    ending = true;
    controller.abort();
    for (const child of live) child.kill("SIGKILL");
    if (!running) port.close();
    return;
  }
  const own = (controller = new AbortController());
  running = true;
  runScanJob(message.job, own.signal).then(
    (result) => port.postMessage({ type: "done", result }),
    (err: unknown) => port.postMessage({ type: "failed", error: toPlainError(err), aborted: own.signal.aborted }),
  ).finally(() => {
    running = false;
    if (!reusable || ending) port.close();
  });
});

/** An error as plain data; scan-in-worker.ts rebuilds its class. */
function toPlainError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { name: "Error", message: String(err) };
  const e = err as Error & { data?: unknown; exitCode?: unknown; stderr?: unknown };
  return { name: e.name, message: e.message, data: e.data, exitCode: e.exitCode, stderr: e.stderr };
}
