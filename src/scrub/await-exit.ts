import type { ChildProcess } from "node:child_process";
import { GitError } from "../errors.js";

/**
 * Resolves only when git exits 0. spawnGit's `done` accepts a SIGTERM (the hook's budget
 * kills on purpose); for scrub any signal means a cut-short stream: never complete.
 */
export function awaitExit(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (child.exitCode === 0) resolve();
      else reject(new GitError(`git ${what} did not finish (${child.signalCode ?? `exit ${child.exitCode}`})`, child.exitCode, ""));
      return;
    }
    child.on("close", (code, signal) =>
      code === 0 ? resolve() : reject(new GitError(`git ${what} did not finish (${signal ?? `exit ${code}`})`, code, "")),
    );
  });
}
