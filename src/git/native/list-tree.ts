import type { Change } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { git } from "../run-git.js";

const GITLINK = "160000";

/**
 * Every blob under a tree with its full path (`git ls-tree -r -z`): what a ref or tag
 * that holds a tree directly exposes, since no commit introduces it.
 */
export async function listTree(tree: string, opts: GitOptions): Promise<{ changes: Change[]; gitlinks: number }> {
  const out = await git(["ls-tree", "-r", "-z", "--full-tree", tree], opts);
  const changes: Change[] = [];
  let gitlinks = 0;
  let start = 0;
  for (let nul = out.indexOf(0); nul !== -1; start = nul + 1, nul = out.indexOf(0, start)) {
    const entry = out.subarray(start, nul);
    const tab = entry.indexOf(0x09);
    // "<mode> <type> <oid>\t<path>"
    const [mode = "", , oid = ""] = entry.subarray(0, tab).toString("latin1").split(" ");
    if (mode === GITLINK) gitlinks++;
    else changes.push({ path: entry.subarray(tab + 1).toString("utf8"), blob: oid, mode });
  }
  return { changes, gitlinks };
}
