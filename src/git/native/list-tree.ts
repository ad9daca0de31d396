import type { Change } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { listTreeEntries } from "../trees.js";

const GITLINK = "160000";

/**
 * Every blob under a tree with its full path (`git ls-tree -r -z`): what a ref or tag
 * that holds a tree directly exposes, since no commit introduces it.
 */
export async function listTree(tree: string, opts: GitOptions): Promise<{ changes: Change[]; gitlinks: number }> {
  const changes: Change[] = [];
  let gitlinks = 0;
  for (const { mode, oid, path } of await listTreeEntries(tree, opts, { recursive: true })) {
    if (mode === GITLINK) gitlinks++;
    else changes.push({ path, blob: oid, mode });
  }
  return { changes, gitlinks };
}
