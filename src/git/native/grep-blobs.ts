import { CorruptRepositoryError } from "../../errors.js";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import type { GitOptions } from "../run-git.js";
import { gitText, spawnGit } from "../run-git.js";
import type { HashAlgorithm } from "./write-loose-object.js";
import { hashAlgorithmOf, writeLooseObject } from "./write-loose-object.js";

// Lets git itself pick out the few blobs worth reading in a full-history scan. The blobs go
// into temporary trees, named by their place in pack order so that git reads them in that
// order and keeps delta bases cached. The trees live in a throwaway object directory that
// borrows the repository's objects as an alternate, so the repository is never written
// to. `git grep` then inflates and searches each blob in C, and only the names of blobs
// that match cross the pipe: the bulk of the bytes never reach this process.

/** One blob of the listing, as git stores it. */
export interface ListedBlob {
  oid: string;
  size: number;
  /** Bytes it takes in the pack (or loose), compressed. */
  disk: number;
  /** The object it is a delta of, null when stored whole. */
  base: string | null;
}

export interface BlobList {
  oids: string[];
  sizes: number[];
  /**
   * Indexes of blobs stored as they are because zlib could not shrink them (or deltas of
   * such a blob): compressed data, such as a zip, a jar or a gzip file under any name.
   * A signature in the grep pattern would cost a check of every byte of every blob;
   * this costs two fields of the same listing (see docs/PERFORMANCE.md, "Views of a blob").
   */
  opaque: Set<number>;
}

/** Smallest blob worth a look: a zip holding one key-sized member is over 120 bytes. */
const OPAQUE_MIN_BYTES = 128;
/** zlib saves under a tenth of the blob: already compressed (text shrinks to a third or less). */
const OPAQUE_RATIO = 0.9;

/** Whether a blob stored whole is opaque (see BlobList.opaque); a delta takes its base's answer. */
export const isOpaqueRoot = (b: ListedBlob) => b.base === null && b.size >= OPAQUE_MIN_BYTES && b.disk >= OPAQUE_RATIO * b.size;

const LF = 0x0a;
const EMPTY: Buffer = Buffer.alloc(0);
const MISSING = " missing";
const ZERO_ID = /^0+$/;

/**
 * Every blob in the object store, in pack order (cheap: nothing is inflated), handed to
 * `onBlob` as the listing streams, so that a caller can start on the first blobs before
 * git has listed the last object. Resolves when the listing is over.
 */
export async function streamBlobListing(opts: GitOptions, onBlob: (b: ListedBlob) => void): Promise<void> {
  const proc = spawnGit(["cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname) %(objectsize) %(objectsize:disk) %(deltabase)"], opts);
  proc.stdin.end();
  let rest: Buffer = EMPTY;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let at = 0;
      for (let nl = buf.indexOf(LF); nl !== -1; at = nl + 1, nl = buf.indexOf(LF, at)) {
        // Trees and commits are three quarters of the lines: never made into strings.
        if (buf[at] === 0x62 && buf[at + 4] === 0x20) {
          // "blob <oid> <size> <disk> <base>"
          const fields = buf.toString("latin1", at + 5, nl).split(" ");
          const base = fields[3] ?? "";
          onBlob({ oid: fields[0]!, size: Number(fields[1]), disk: Number(fields[2]), base: ZERO_ID.test(base) ? null : base });
        } else if (buf[nl - 1] === 0x67 && buf.toString("latin1", Math.max(at, nl - MISSING.length), nl) === MISSING) {
          // An object whose header cannot be read is listed as "<oid> missing": a corrupt
          // repository must fail the scan, not pass it in silence.
          const line = buf.toString("latin1", at, nl);
          throw new CorruptRepositoryError(`object ${line.slice(0, line.indexOf(" "))} cannot be read: the repository is corrupt`);
        }
      }
      rest = at < buf.length ? Buffer.from(buf.subarray(at)) : EMPTY;
    }
    await proc.done;
  } finally {
    if (proc.exitCode === null) proc.kill();
  }
}

/** Every blob in the object store, in pack order, once the listing is over. */
export async function listBlobs(opts: GitOptions): Promise<BlobList> {
  const list: BlobList = { oids: [], sizes: [], opaque: new Set() };
  const opaqueIds = new Set<string>();
  const deltas: Array<{ i: number; base: string }> = [];
  await streamBlobListing(opts, (b) => {
    const i = list.oids.push(b.oid) - 1;
    list.sizes.push(b.size);
    if (b.base !== null) deltas.push({ i, base: b.base });
    else if (isOpaqueRoot(b)) {
      list.opaque.add(i);
      opaqueIds.add(b.oid);
    }
  });
  // A delta of an opaque blob (the next build of the same jar) is one too, down the chain.
  for (let grew = opaqueIds.size > 0; grew; ) {
    grew = false;
    for (const d of deltas) {
      if (list.opaque.has(d.i) || !opaqueIds.has(d.base)) continue;
      list.opaque.add(d.i);
      opaqueIds.add(list.oids[d.i]!);
      grew = true;
    }
  }
  return list;
}

/** What git grep tells as it goes: a blob that matched, or how far it has read. */
export type GrepEvent = { hit: number } | { passed: number };

/**
 * git grep prints only the names of blobs that match, through stdio's buffer: a scan of
 * blobs that hold no key would look frozen until the end. So a sentinel blob (a random
 * marker only this run knows, matched as a second pattern) sits after every
 * PROGRESS_STEP of the bytes, and its name is long enough that stdio flushes the name's
 * start at once: reading it means every blob before it has been searched.
 */
const PROGRESS_STEPS = 100;
const MIN_PROGRESS_BYTES = 256 * 1024;
/** Twice the largest stdio buffer a pipe gets (glibc uses the pipe's block size, 4 KiB). */
const SENTINEL_PAD = 16384;
const TREE_MODE = Buffer.from("100644 ", "latin1");

/** A throwaway object directory borrowing the repository's objects, and what git grep needs in it. */
export interface GrepScratch {
  env: NodeJS.ProcessEnv;
  dir: string;
  marker: string;
  close(): void;
}

/** The repository's object directory, for a scratch directory to borrow from. */
export async function objectsDir(opts: GitOptions): Promise<string> {
  return resolve(opts.cwd, (await gitText(["rev-parse", "--git-path", "objects"], opts)).trim());
}

/** Made when the first tree is due, and removed after the last git grep. */
export function openGrepScratch(objects: string, opts: GitOptions): GrepScratch {
  const dir = mkdtempSync(join(tmpdir(), "leakguard-objects-"));
  const base = opts.env ?? process.env;
  const alternates = [objects, base["GIT_ALTERNATE_OBJECT_DIRECTORIES"]].filter(Boolean).join(delimiter);
  return {
    env: { ...base, GIT_OBJECT_DIRECTORY: dir, GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates },
    dir,
    marker: `leakguard-progress-${randomBytes(12).toString("hex")}`,
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A tree of `oids` (named by their place, zero-padded so that names sort as numbers), with
 * the sentinel after every `step` bytes and after the last blob, written by this process
 * into the scratch directory. Entries are written in git's order (`<n>` < `<n>p…` < `<n+1>`).
 */
function writeGrepTree(scratch: GrepScratch, algorithm: HashAlgorithm, sentinel: Buffer, oids: readonly string[], sizes: readonly number[]): string {
  const width = String(Math.max(0, oids.length - 1)).length;
  const step = Math.max(MIN_PROGRESS_BYTES, Math.ceil(sizes.reduce((a, b) => a + b, 0) / PROGRESS_STEPS));
  const raw = sentinel.length;
  // "100644 <name>\0<raw id>" per entry, written in place: one buffer, no string per name.
  const entryBytes = TREE_MODE.length + width + 1 + raw;
  const sentinelBytes = entryBytes + SENTINEL_PAD;
  // At most one sentinel per `step` bytes, and one after the last blob.
  let body = Buffer.alloc(oids.length * entryBytes + Math.min(oids.length, PROGRESS_STEPS + 2) * sentinelBytes);
  let at = 0;
  let since = 0;
  for (let i = 0; i < oids.length; i++) {
    const oid = oids[i]!;
    const name = String(i).padStart(width, "0");
    const start = at;
    at += TREE_MODE.copy(body, at);
    at += body.write(name, at, "latin1");
    body[at++] = 0;
    if (oid.length !== raw * 2 || body.write(oid, at, "hex") !== raw) throw new CorruptRepositoryError(`unexpected object id in the listing: ${oid.slice(0, 80)}`);
    at += raw;
    since += sizes[i] ?? 0;
    if (since >= step || i === oids.length - 1) {
      // The sentinel's name: this blob's, then the pad (`<n>p…` sorts between n and n+1).
      if (at + sentinelBytes > body.length) body = Buffer.concat([body.subarray(0, at), Buffer.alloc((oids.length - i) * entryBytes + 8 * sentinelBytes)]);
      body.copy(body, at, start, start + TREE_MODE.length + width);
      at += TREE_MODE.length + width;
      body.fill(0x70, at, at + SENTINEL_PAD); // "p"
      at += SENTINEL_PAD;
      body[at++] = 0;
      at += sentinel.copy(body, at);
      since = 0;
    }
  }
  return writeLooseObject(scratch.dir, algorithm, "tree", body.subarray(0, at));
}

/**
 * In order, as git finds them: indexes into `oids` of the blobs that match `pcre` (any one
 * of them), and `{ passed: n }` once the first n blobs have all been searched. Throws when this git
 * cannot do it (no PCRE support, an unreadable object).
 */
export async function* grepBlobs(scratch: GrepScratch, oids: readonly string[], sizes: readonly number[], pcre: string | readonly string[], opts: GitOptions): AsyncGenerator<GrepEvent> {
  if (oids.length === 0) return;
  const algorithm = hashAlgorithmOf(oids[0]!);
  // Written to the scratch directory only, like the tree (the same object every batch).
  const sentinel = Buffer.from(writeLooseObject(scratch.dir, algorithm, "blob", Buffer.from(`\x01${scratch.marker}\n`, "latin1")), "hex");
  const tree = writeGrepTree(scratch, algorithm, sentinel, oids, sizes);

  // One thread: it inflates on one core and leaves the other to the history walk.
  // Inflated delta bases are cached up to git's default of 96 MiB, all of it used on a
  // history with big files edited often: 32 MiB (twice the largest blob grep is given,
  // GREP_MAX_BYTES in read-blobs.ts, so the base of its next version stays cached) gives
  // the same speed at half the memory.
  // Each pattern is searched on its own (git grep's look-ahead takes the first hit of any).
  const patterns = (typeof pcre === "string" ? [pcre] : pcre).flatMap((p) => ["-e", p]);
  const grep = spawnGit(["-c", "core.deltaBaseCacheLimit=32m", "grep", "--threads=1", "-l", "-z", "--no-color", "-P", ...patterns, "-e", `\\x01${scratch.marker}`, tree], { ...opts, env: scratch.env });
  grep.stdin.end();
  let rest = "";
  let passed = 0;
  // `tree:<digits>p` is enough to know a sentinel was reached; the rest of its name follows later.
  const reached = (n: string) => {
    const at = n.indexOf(":") + 1;
    const p = n.indexOf("p", at);
    return p > at ? Number(n.slice(at, p)) + 1 : 0;
  };
  try {
    for await (const chunk of grep.stdout as AsyncIterable<Buffer>) {
      const names = (rest + chunk.toString("latin1")).split("\0");
      rest = names.pop()!;
      for (const n of names) {
        const upTo = reached(n);
        if (upTo > 0) {
          if (upTo > passed) yield { passed: (passed = upTo) };
          continue;
        }
        // A hit also says that every blob before it was searched.
        const i = Number(n.slice(n.lastIndexOf(":") + 1));
        if (i > passed) yield { passed: (passed = i) };
        yield { hit: i };
      }
      const upTo = reached(rest);
      if (upTo > passed) yield { passed: (passed = upTo) };
    }
    // Exit 1 is git grep's "nothing matched".
    await grep.done.catch((e: unknown) => {
      if ((e as { exitCode?: number }).exitCode !== 1) throw e;
    });
  } finally {
    if (grep.exitCode === null) grep.kill();
  }
}
