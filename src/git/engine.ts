// One interface over two ways of reading a repository: the `git` binary (fast, the
// default) and isomorphic-git (no binary needed). A shared conformance suite holds them
// to the same answers.

export interface CommitMeta {
  oid: string;
  /** `Name <email>` */
  author: string;
  /** ISO 8601 author date. */
  date: string;
}

/** A blob that a commit puts at a path (added or modified against its first parent; all of it for a root). */
export interface Change {
  path: string;
  blob: string;
  mode: string;
}

export interface CommitChanges {
  commit: CommitMeta;
  message: Buffer;
  changes: Change[];
  /** Gitlinks (mode 160000) this commit adds or moves: submodules are not scanned. */
  gitlinks: number;
}

export interface AnnotatedTag {
  oid: string;
  name: string;
  /** The object the tag points at (a commit, usually). */
  target: string;
  tagger: string;
  date: string;
  message: Buffer;
}

export interface BlobContent {
  oid: string;
  bytes: Buffer;
}

/**
 * Which commits to read. `all`: every ref. Otherwise the commits reachable from
 * `include` and from none of `exclude` (or, with `excludeAllRefs`, from no existing ref:
 * what a push adds).
 */
export interface Selection {
  all?: boolean;
  include?: string[];
  exclude?: string[];
  excludeAllRefs?: boolean;
}

export interface GitEngine {
  readonly name: "native" | "isomorphic";
  /** Fails with UsageError when `dir` is not a repository. Returns the git dir. */
  open(): Promise<void>;
  /** Resolves a revision to a commit id; UsageError when it does not exist. */
  resolve(rev: string): Promise<string>;
  /**
   * Commits of the selection with the blobs each one introduces, each commit once, newest
   * first and never before any of its descendants (`git log --date-order`): the history
   * scan keeps the last introduction of a blob it sees as the oldest.
   */
  walk(sel: Selection): AsyncIterable<CommitChanges>;
  /** Annotated tags pointing into the selection. */
  tags(sel: Selection): AsyncIterable<AnnotatedTag>;
  /**
   * Reads blobs once each, in whatever order is fastest. `"all"` may include blobs that
   * no commit reaches (the caller drops what it cannot attribute).
   */
  readBlobs(oids: AsyncIterable<string> | Iterable<string> | "all"): AsyncIterable<BlobContent>;
  isShallow(): Promise<boolean>;
  close(): Promise<void>;
}
