import type { GitEngine } from "../objects/scan-target.js";
import { boundaryTree } from "../objects/boundary-tree.js";
import type { Finding } from "./finding.js";
import { scanHistory } from "./scan-history.js";

// Push semantics by key, not by blob (issue 11). A key is *added* by a push or a range only
// when the commits it builds on did not already hold it: a finding whose fingerprint
// occurs in the tree of a boundary commit (a parent of a pushed commit that is not itself
// pushed; for `--range A..B`, a parent of a range commit outside the range, A first) is
// already present. Whole trees, not only the same path, so that a rename, a copy or a
// merge of an already-held branch is not news either. Only pushes with findings pay for
// it: one tree scan per boundary commit, stopped as soon as every finding is placed.
// The boundary commits and their trees are read by objects/ (boundary-commits.ts,
// boundary-tree.ts); what is matched there is decided here.

/** Where an already-present key already was: the boundary commit and the path in its tree. */
export interface HeldAt {
  commit: string;
  path: string;
}

/** At most this many boundary trees are read (a force-push of a long rewrite has many): the rest count as not held. */
const MAX_BOUNDARY_TREES = 8;

/**
 * For each finding whose fingerprint a boundary tree holds, where it is there. `engine`
 * must see only what the server had before (in a hook: no quarantine variables), so that
 * nothing of the push itself can make its own key look old.
 */
export async function findAlreadyPresent(engine: GitEngine, findings: readonly Finding[], boundary: readonly string[]): Promise<Map<string, HeldAt>> {
  const held = new Map<string, HeldAt>();
  const wanted = new Set(findings.map((f) => f.fingerprint));
  for (const commit of boundary.slice(0, MAX_BOUNDARY_TREES)) {
    if ([...wanted].every((fp) => held.has(fp))) break;
    const selection = await boundaryTree(engine, commit);
    if (!selection) continue; // not in the server's own objects: it cannot vouch for anything
    const old = await scanHistory({ engine, selection });
    // A key the server let through by an inline allow or a baseline is held all the same.
    for (const f of [...old.findings, ...(old.suppressed ?? [])]) {
      if (wanted.has(f.fingerprint) && !held.has(f.fingerprint)) held.set(f.fingerprint, { commit, path: f.path });
    }
  }
  return held;
}
