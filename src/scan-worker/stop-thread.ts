import { readFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";

// Ending a scan thread that may be stuck in synchronous matching, with git processes of its
// own still running. A child is reaped by the event loop of the thread that started it: if
// the thread is terminated first and its children killed after, nothing ever reaps them,
// and each stays a zombie, holding a pid, until the process ends (a pusher forcing timeouts
// could use up a container's pids). Killed first, and dead before the thread is terminated,
// they are reaped as its loop is torn down.

/** How long a killed child may take to die before the thread is terminated anyway. */
const DEATH_WAIT_MS = 200;
const SIGCHLD_SETTLE_MS = 10;

/** SIGKILL to every pid in the table; the ones that were still there. */
export function killAll(pids: Int32Array): number[] {
  const killed: number[] = [];
  for (const pid of pids) {
    if (pid === 0) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}

/** A child's state letter from /proc (Linux), "gone" once reaped, or null where /proc cannot say. */
function stateOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const at = stat.lastIndexOf(")") + 2;
    return stat.slice(at, at + 1);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : null;
  }
}

/** Until every pid is dead (a zombie, or reaped), at most DEATH_WAIT_MS; without /proc, a short wait. */
async function untilDead(pids: readonly number[]): Promise<void> {
  const deadline = Date.now() + DEATH_WAIT_MS;
  while (pids.length > 0 && Date.now() < deadline) {
    const states = pids.map(stateOf);
    if (states.includes(null)) return void (await new Promise((r) => setTimeout(r, 20)));
    if (states.every((s) => s === "Z" || s === "X" || s === "gone")) return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * Kills the thread's git processes, waits for them to die, then terminates the thread.
 * `stopping` is set first: a thread that is not stuck may start another child meanwhile, and
 * it kills that one itself (scan-worker.ts), so no child outlives the thread's loop.
 */
export async function stopThread(worker: Worker, pids: Int32Array, stopping: Int32Array): Promise<void> {
  Atomics.store(stopping, 0, 1);
  await untilDead(killAll(pids));
  // A dead child's SIGCHLD is handled on whichever thread the kernel picks: a moment for it
  // to reach the thread's loop before the loop is torn down.
  await new Promise((r) => setTimeout(r, SIGCHLD_SETTLE_MS));
  await worker.terminate();
}
