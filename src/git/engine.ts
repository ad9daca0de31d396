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
  /**
   * The message as the engine's walk sees it (the native engine's `git log` re-encodes it
   * and stops at a NUL byte). The scan reads messages from the raw commit objects instead.
   */
  message: Buffer;
  changes: Change[];
  /** Gitlinks (mode 160000) this commit adds or moves: submodules are not scanned. */
  gitlinks: number;
}

export type ObjectType = "commit" | "tree" | "blob" | "tag";

export interface AnnotatedTag {
  oid: string;
  name: string;
  /** The object the tag points at (a commit, usually; a tag in a chain; a tree or a blob). */
  target: string;
  /** The `type` the tag object records for its target. */
  targetType: ObjectType;
  tagger: string;
  date: string;
  message: Buffer;
}

export interface BlobContent {
  oid: string;
  bytes: Buffer;
}

/** A blob a reader's filter ruled out: its bytes were streamed past, never gathered. */
export interface SkippedBlob {
  oid: string;
  bytes: null;
  size: number;
}

/**
 * An object the reader was asked for and does not have (a blobless partial clone, a
 * deleted object file): the scan counts and names it, and is incomplete.
 */
export interface UnreadObject {
  oid: string;
  bytes: null;
  size: 0;
  unread: "missing";
}

/**
 * One window of a blob too large to gather (see BlobFilter.window). Windows that fail the
 * filter are not handed on; after the last, the blob itself follows as a SkippedBlob.
 */
export interface BlobWindow {
  oid: string;
  bytes: Buffer;
  window: { offset: number; line: number; lead: number; column: number; cutEnd: boolean };
}

/** What a filtered read hands on. */
export type BlobRead = BlobContent | SkippedBlob | UnreadObject | BlobWindow;

/** A ref (or HEAD) and the type of the object it names, not peeled. */
export interface RefTarget {
  name: string;
  oid: string;
  type: ObjectType;
}

/**
 * A cheap content test a reader may apply while streaming, so that blobs no detector can
 * match are never assembled in memory. `test` may see a whole blob or overlapping pieces
 * of one; pieces overlap by `overlap` bytes, so a pattern up to `overlap + 1` bytes long
 * is never split. A blob passes if any piece passes.
 */
export interface BlobFilter {
  test(bytes: Buffer): boolean;
  overlap: number;
  /**
   * A Perl-compatible regex (matched byte-wise, no UTF) that every blob the caller needs
   * matches: an engine may use it to pick blobs without reading each one itself (e.g.
   * with `git grep -P`), and yield the rest as SkippedBlob. Several patterns: a blob the
   * caller needs matches at least one (each searched on its own is faster than one
   * alternation when their first characters differ).
   */
  pcre?: string | readonly string[];
  /**
   * Blobs larger than `size` are read in windows of about `size` bytes that overlap by
   * `overlap` bytes where they cannot end at a line break, so memory stays bounded; an
   * engine that cannot stream may hand them on whole.
   */
  window?: { size: number; overlap: number };
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

export type BlobIds = AsyncIterable<string> | Iterable<string> | "all";

export interface GitEngine {
  readonly name: "native" | "isomorphic";
  /** Fails with UsageError when `dir` is not a repository, with git's own reason. */
  open(): Promise<void>;
  /** Resolves a revision to a commit id; UsageError when it does not exist. */
  resolve(rev: string): Promise<string>;
  /**
   * Commits of the selection with the blobs each one introduces, each commit once, newest
   * first and never before any of its descendants (`git log --date-order`): the history
   * scan keeps the last introduction of a blob it sees as the oldest.
   */
  walk(sel: Selection): AsyncIterable<CommitChanges>;
  /**
   * Annotated tags of the selection, every tag of a chain (a tag of a tag) each once: for
   * `all`, every tag object any ref points at; otherwise the tag objects `include` names.
   */
  tags(sel: Selection): AsyncIterable<AnnotatedTag>;
  /** Every ref under refs/ and every HEAD, with the type of what it points at. */
  refs(): AsyncIterable<RefTarget>;
  /** The type of each object named, or "missing". */
  types(oids: readonly string[]): Promise<Map<string, ObjectType | "missing">>;
  /** Every blob under a tree with its full path, each path once; gitlinks are counted. */
  listTree(tree: string): Promise<{ changes: Change[]; gitlinks: number }>;
  /**
   * Blobs new to the repository: those in the pre-receive quarantine
   * (GIT_QUARANTINE_PATH), null when there is none or the engine cannot see it.
   */
  newBlobs(): Promise<string[] | null>;
  /**
   * Reads blobs once each, in whatever order is fastest. `"all"` may include blobs that
   * no commit reaches (the caller drops what it cannot attribute).
   */
  readBlobs(oids: BlobIds): AsyncIterable<BlobContent>;
  /**
   * With a filter, an engine may yield blobs that fail it as SkippedBlob (or ignore the
   * filter), yields a missing object as UnreadObject instead of failing, and may read a
   * big blob in windows.
   */
  readBlobs(oids: BlobIds, filter: BlobFilter): AsyncIterable<BlobRead>;
  isShallow(): Promise<boolean>;
  close(): Promise<void>;
}
