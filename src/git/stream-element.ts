// The pieces of a `git fast-export` stream, as a discriminated union (git-filter-repo models
// them as classes: Blob, Commit, Reset, Tag). Paths and idents are kept as latin1 strings so
// that every byte survives, whatever the encoding of a file name; data stays a Buffer.

/** `:12` (a mark) or a 40-hex object id. */
export type CommitRef = string;

export type FileChange =
  | { type: "M"; mode: string; dataref: string; path: string }
  | { type: "D"; path: string }
  | { type: "deleteall" };

export interface BlobElement {
  type: "blob";
  mark: number;
  originalOid: string | null;
  data: Buffer;
}

export interface CommitElement {
  type: "commit";
  ref: string;
  mark: number | null;
  originalOid: string | null;
  /** `Name <email> 1700000000 +0000`, bytes as latin1. */
  author: string | null;
  committer: string;
  encoding: string | null;
  message: Buffer;
  from: CommitRef | null;
  merges: CommitRef[];
  changes: FileChange[];
}

export interface ResetElement {
  type: "reset";
  ref: string;
  from: CommitRef | null;
}

export interface TagElement {
  type: "tag";
  name: string;
  mark: number | null;
  from: CommitRef;
  originalOid: string | null;
  tagger: string | null;
  message: Buffer;
}

export type StreamElement =
  | { type: "feature"; name: string }
  | BlobElement
  | CommitElement
  | ResetElement
  | TagElement
  | { type: "done" };
