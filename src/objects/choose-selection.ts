import type { Selection } from "../git/engine.js";

// Which commits a scan reads. First sight: everything. A push: the commits it added —
// before..after, or for a new ref what no tip the app has already scanned reaches
// (scanned-tips.ts): never what other refs of the mirror reach, whose own pushes may not
// have been scanned yet.

export function chooseSelection(opts: {
  firstSight: boolean;
  /** What the push names: the commit, or a tag's objects and the commit it peels to. */
  after: string | readonly string[];
  /** null when the ref is new, or its old commit is unknown to the mirror. */
  before: string | null;
  /** The tips the app has scanned, still in the mirror (scanned-tips.ts): what a new ref may exclude. */
  refs: ReadonlyMap<string, string>;
  /** The pushed ref (refs/heads/…), left out of the exclusions. */
  pushedRef: string | null;
}): Selection {
  if (opts.firstSight) return { all: true };
  const include = typeof opts.after === "string" ? [opts.after] : [...new Set(opts.after)];
  if (opts.before) return { include, exclude: [opts.before] };
  const others = [...opts.refs].filter(([ref]) => ref !== opts.pushedRef).map(([, oid]) => oid);
  // Sorted: the same tips give the same selection, whatever order they were read in (scan-batch.ts compares them).
  return { include, exclude: [...new Set(others)].sort() };
}
