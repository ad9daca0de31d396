import type { CommitMeta, GitEngine, Selection } from "../git/engine.js";

// What objects/ hands to findings/: where the bytes it read came from. findings/ names
// these types from here, never from git/ (src/architecture.ts): what the source calls a
// commit, an engine or a selection reaches the matching stage through this stage only.

export type { CommitMeta, GitEngine, Selection };

/**
 * What was read: a file's (or blob's) content, a commit message, an annotated tag
 * message, or the path itself (a key in a file name is committed like any content).
 */
export type TargetSource = "file" | "commit-message" | "tag-message" | "path";

/** Where one scan target was read: the name it is shown under, its commit and object. */
export interface ScanTarget {
  path: string;
  /** The commit that introduced it; null for the working tree, the index, or a tree or blob held directly by a ref. */
  commit: CommitMeta | null;
  /** The blob (or, for a tag message, the tag object); null when it has no object id. */
  blob: string | null;
  source: TargetSource;
}
