import type { Change } from "../engine.js";
import type { Repo } from "./repo.js";
import type { TreeEntry } from "./parse-tree.js";
import { readExisting } from "./repo.js";
import { GITLINK_MODE, isTree, parseTree } from "./parse-tree.js";

export interface Introduced {
  changes: Change[];
  gitlinks: number;
}

// Consecutive commits share most of their trees; keeping recently parsed ones saves
// inflating each tree twice (once as a commit's tree, once as its child's parent tree).
const CACHE_ENTRIES = 400_000;

export function createTreeReader(repo: Repo) {
  const cache = new Map<string, TreeEntry[]>();
  let held = 0;
  return async (oid: string): Promise<TreeEntry[]> => {
    const hit = cache.get(oid);
    if (hit) {
      cache.delete(oid); // re-insert: most recently used last
      cache.set(oid, hit);
      return hit;
    }
    const entries = parseTree(await readExisting(repo, oid, "tree"));
    cache.set(oid, entries);
    held += entries.length;
    for (const [old, e] of cache) {
      if (held <= CACHE_ENTRIES) break;
      cache.delete(old);
      held -= e.length;
    }
    return entries;
  };
}

export type TreeReader = ReturnType<typeof createTreeReader>;

/**
 * The blobs `newTree` has that `oldTree` does not have at the same path with the same
 * mode: what `git diff-tree -r --raw --no-renames` lists as added or modified. Subtrees
 * with the same id are skipped without being read.
 */
export async function diffTrees(readTree: TreeReader, oldTree: string | null, newTree: string): Promise<Introduced> {
  const out: Introduced = { changes: [], gitlinks: 0 };
  await diffInto(readTree, oldTree, newTree, "", out);
  return out;
}

async function diffInto(readTree: TreeReader, oldTree: string | null, newTree: string, prefix: string, out: Introduced) {
  if (oldTree === newTree) return;
  const before = new Map<string, TreeEntry>();
  if (oldTree) for (const e of await readTree(oldTree)) before.set(e.name, e);
  for (const e of await readTree(newTree)) {
    const old = before.get(e.name);
    const mode = canonicalMode(e.mode);
    if (old && old.oid === e.oid && canonicalMode(old.mode) === mode) continue;
    const path = prefix + e.name;
    if (mode === "040000") await diffInto(readTree, old && isTree(old.mode) ? old.oid : null, e.oid, `${path}/`, out);
    else if (mode === GITLINK_MODE) out.gitlinks++;
    else out.changes.push({ path, blob: e.oid, mode });
  }
}

/** Modes as git's diff prints them (git normalises odd legacy modes such as 100664). */
function canonicalMode(mode: string): string {
  if (isTree(mode)) return "040000";
  if (mode === GITLINK_MODE || mode === "120000") return mode;
  return parseInt(mode, 8) & 0o100 ? "100755" : "100644";
}
