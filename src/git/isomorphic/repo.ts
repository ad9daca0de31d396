import type { PromiseFsClient } from "isomorphic-git";
import git from "isomorphic-git";
import { CorruptObjectError, CorruptRepositoryError } from "../../errors.js";

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
  /** Bytes read since the pack caches were last trimmed. */
  readSinceTrim: number;
}

// isomorphic-git keeps every object it inflates from a pack (after the first few) in a
// per-pack map for the life of the cache: a whole history's blobs would stay in memory.
// Emptying that map every so often bounds memory; it only costs re-inflating the odd
// delta base. Feature-detected: if a later isomorphic-git stores it differently, this
// does nothing.
const TRIM_EVERY = 64 * 1024 * 1024;

function trimPackCaches(cache: object): void {
  for (const sym of Object.getOwnPropertySymbols(cache)) {
    const packs = (cache as Record<symbol, unknown>)[sym];
    if (!(packs instanceof Map)) continue;
    for (const p of packs.values()) {
      void Promise.resolve(p).then(
        (index: unknown) => {
          if (index && typeof index === "object" && "offsetCache" in index) (index as { offsetCache: object }).offsetCache = {};
        },
        () => {}, // a pack that failed to load is reported by the read that needed it
      );
    }
  }
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
    repo.readSinceTrim += bytes.length;
    if (repo.readSinceTrim > TRIM_EVERY) {
      repo.readSinceTrim = 0;
      trimPackCaches(repo.cache);
    }
    return { type: res.type as RawObject["type"], bytes };
  } catch (err) {
    if ((err as { code?: string }).code === "NotFoundError") return null;
    throw new CorruptObjectError(`cannot read object ${oid}: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** Reads an object that history says must exist: its absence means a broken repository. */
export async function readExisting(repo: Repo, oid: string, type: RawObject["type"]): Promise<Buffer> {
  const obj = await readRaw(repo, oid);
  if (!obj) throw new CorruptRepositoryError(`object ${oid} is missing: the repository is corrupt or incomplete`);
  if (obj.type !== type) throw new CorruptObjectError(`object ${oid} is a ${obj.type}, expected a ${type}`);
  return obj.bytes;
}
