import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { GitError } from "../errors.js";
import type { GitOptions } from "../git/run-git.js";
import { gitHere } from "../git/run-git.js";

// The git runner's thread (git-runner.ts): runs each git() it is sent, here, and answers
// with its stdout or its GitError. Linux keeps a nice value per thread, and a child inherits
// the one of the thread that forked it.

if (typeof workerData?.nice === "number" && workerData.nice > 0) {
  try {
    setPriority(Math.min(19, workerData.nice));
  } catch {
    // not permitted here: git runs at the normal priority
  }
}

const aborts = new Map<number, AbortController>();

parentPort!.on("message", (m: { id: number; args: string[]; opts: GitOptions } | { abort: number }) => {
  if ("abort" in m) return aborts.get(m.abort)?.abort();
  const ctl = new AbortController();
  aborts.set(m.id, ctl);
  gitHere(m.args, { ...m.opts, signal: ctl.signal }).then(
    (data) => parentPort!.postMessage({ id: m.id, data }),
    (err: unknown) => {
      const e = err instanceof GitError ? err : new GitError(`cannot run git: ${(err as Error)?.message ?? String(err)}`, null, "");
      parentPort!.postMessage({ id: m.id, error: { message: e.message, exitCode: e.exitCode, stderr: e.stderr } });
    },
  ).finally(() => aborts.delete(m.id));
});
