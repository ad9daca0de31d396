import type { PromiseFsClient } from "isomorphic-git";
import git from "isomorphic-git";
import { CorruptObjectError } from "../../errors.js";

/** What every part of the isomorphic engine needs: where the repository is and how to read it. */
export interface Repo {
  fs: PromiseFsClient;
  /** The directory holding objects and refs (a linked worktree's common dir). */
  gitdir: string;
  /** This checkout's HEAD file (differs from `gitdir/HEAD` in a linked worktree). */
  headFile: string;
  /**
   * isomorphic-git's cache object, shared by every read of this engine: it holds the
   * parsed pack indexes and packs, which are otherwise loaded again for each object.
   */
  cache: object;
  /** Commits git treats as having no parents (the `shallow` file of a shallow clone). */
  shallow: ReadonlySet<string>;
}

export interface RawObject {
  type: "blob" | "tree" | "commit" | "tag";
  bytes: Buffer;
}

/** Reads one object, inflated; null when the repository does not have it. */
export async function readRaw(repo: Repo, oid: string): Promise<RawObject | null> {
  try {
    const res = await git.readObject({ fs: repo.fs, gitdir: repo.gitdir, oid, format: "content", cache: repo.cache });
    const obj = res.object as Uint8Array;
    const bytes = Buffer.isBuffer(obj) ? obj : Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength);
    return { type: res.type as RawObject["type"], bytes };
  } catch (err) {
    if ((err as { code?: string }).code === "NotFoundError") return null;
    throw new CorruptObjectError(`cannot read object ${oid}: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** Reads an object that history says must exist: its absence means a broken repository. */
export async function readExisting(repo: Repo, oid: string, type: RawObject["type"]): Promise<Buffer> {
  const obj = await readRaw(repo, oid);
  if (!obj) throw new CorruptObjectError(`object ${oid} is missing: the repository is corrupt or incomplete`);
  if (obj.type !== type) throw new CorruptObjectError(`object ${oid} is a ${obj.type}, expected a ${type}`);
  return obj.bytes;
}
