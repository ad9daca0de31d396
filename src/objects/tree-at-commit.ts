import type { GitEngine, Selection } from "../git/engine.js";
import { createNativeEngine } from "../git/native/engine.js";
import { gitText } from "../git/run-git.js";

/**
 * The tree of one commit as a selection, and the engine that reads it: the files as they
 * are at that commit, not the history that introduced them (the app's "is the key still in
 * the tip?"). Fails, with no engine left open, when the commit or its tree does not
 * exist. The caller closes the engine; `signal` kills its git processes.
 */
export async function treeAtCommit(dir: string, commit: string, signal?: AbortSignal): Promise<{ engine: GitEngine; selection: Selection }> {
  const opts = { cwd: dir, ...(signal ? { signal } : {}) };
  const tree = (await gitText(["rev-parse", "--verify", "--end-of-options", `${commit}^{tree}`], opts)).trim();
  return { engine: createNativeEngine(dir, process.env, signal), selection: { include: [tree] } };
}
