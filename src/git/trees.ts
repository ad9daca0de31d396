import type { GitOptions } from "./run-git.js";
import { git } from "./run-git.js";

// A tree as `git ls-tree -z` lists it, read one way for every stage: "<mode> <type> <oid>\t<path>\0"
// per entry. The record is split on NUL before any decoding, so a path's bytes never leak
// into the next entry whatever they are.

export interface TreeListingEntry {
  /** "100644", "100755", "120000", "040000" (a tree) or "160000" (a gitlink). */
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
  /** Decoded as asked: "utf8" to show or match it, "latin1" to keep every byte for writing a tree back. */
  path: string;
}

/** Parses `ls-tree -z` output; a record without a tab is not an entry and is left out. */
export function parseTreeListing(out: Buffer, encoding: BufferEncoding = "utf8"): TreeListingEntry[] {
  const entries: TreeListingEntry[] = [];
  let start = 0;
  for (let nul = out.indexOf(0); nul !== -1; start = nul + 1, nul = out.indexOf(0, start)) {
    const record = out.subarray(start, nul);
    const tab = record.indexOf(0x09);
    if (tab === -1) continue;
    const [mode = "", type = "", oid = ""] = record.subarray(0, tab).toString("latin1").split(" ");
    entries.push({ mode, type: type as TreeListingEntry["type"], oid, path: record.subarray(tab + 1).toString(encoding) });
  }
  return entries;
}

/**
 * The entries of a tree (or of a commit's tree), by full path: with `recursive` every blob
 * and gitlink below it, otherwise the top level; `paths` limits it as ls-tree's pathspec does.
 */
export async function listTreeEntries(
  treeish: string,
  opts: GitOptions,
  o: { recursive?: boolean; paths?: readonly string[]; encoding?: BufferEncoding } = {},
): Promise<TreeListingEntry[]> {
  const args = ["ls-tree", ...(o.recursive ? ["-r"] : []), "-z", "--full-tree", treeish, ...(o.paths ? ["--", ...o.paths] : [])];
  return parseTreeListing(await git(args, opts), o.encoding);
}

/** The line `git mktree` reads for an entry (the same shape ls-tree prints); paths as latin1. */
export function treeRow(e: TreeListingEntry): string {
  return `${e.mode} ${e.type} ${e.oid}\t${e.path}`;
}
