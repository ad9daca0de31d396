import type { Selection } from "../git/engine.js";

// Which commits a scan reads. First sight: everything. A push: the commits it added —
// before..after, or for a new ref whatever no ref of the mirror had before this fetch.

export function chooseSelection(opts: {
  firstSight: boolean;
  after: string;
  /** null when the ref is new, or its old commit is unknown to the mirror. */
  before: string | null;
  refsBefore: ReadonlyMap<string, string>;
}): Selection {
  if (opts.firstSight) return { all: true };
  if (opts.before) return { include: [opts.after], exclude: [opts.before] };
  return { include: [opts.after], exclude: [...new Set(opts.refsBefore.values())] };
}

export const ZERO_OID = /^0{40}$|^0{64}$/;
