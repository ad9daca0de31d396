import { CorruptObjectError } from "../../errors.js";

// Tree entries straight from the raw object: `<mode> <name>\0<20-byte oid>` repeated.
// Our own parser, because isomorphic-git's rejects names git itself stores without
// complaint (`..`, names with a slash), and a scanner must read any repository.

export interface TreeEntry {
  mode: string;
  /** Decoded as UTF-8 like the native engine does (invalid bytes become U+FFFD). */
  name: string;
  oid: string;
}

export const TREE_MODE = "40000";
export const GITLINK_MODE = "160000";

export function parseTree(raw: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const space = raw.indexOf(0x20, pos);
    const nul = raw.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 21 > raw.length) throw new CorruptObjectError("cannot parse a tree object: an entry is truncated");
    entries.push({
      mode: raw.toString("latin1", pos, space),
      name: raw.toString("utf8", space + 1, nul),
      oid: raw.toString("hex", nul + 1, nul + 21),
    });
    pos = nul + 21;
  }
  return entries;
}

/** Tree modes come as `40000`; some old tools wrote `040000`. */
export function isTree(mode: string): boolean {
  return mode === TREE_MODE || mode === "040000";
}
