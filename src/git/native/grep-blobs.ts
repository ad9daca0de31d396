import { CorruptRepositoryError } from "../../errors.js";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import type { GitOptions } from "../run-git.js";
import { gitText, spawnGit } from "../run-git.js";
import { writeLines } from "./stream.js";

// Lets git itself pick out the few blobs worth reading in a full-history scan. Every blob
// goes into one temporary tree, named by its place in pack order so that git reads them in
// that order and keeps delta bases cached. The tree lives in a throwaway object directory
// that borrows the repository's objects as an alternate, so the repository is never
// written to. `git grep` then inflates and searches each blob in C, and only the names of
// blobs that match cross the pipe: the bulk of the bytes never reach this process.

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

/** Every blob in the object store, in pack order (cheap: nothing is inflated). */
export async function listBlobs(opts: GitOptions): Promise<BlobList> {
  const proc = spawnGit(["cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname) %(objectsize) %(objectsize:disk) %(deltabase)"], opts);
  proc.stdin.end();
  const list: BlobList = { oids: [], sizes: [], opaque: new Set() };
  const opaqueIds = new Set<string>();
  const deltas: Array<{ i: number; base: string }> = [];
  let rest = "";
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString("latin1")).split("\n");
    rest = lines.pop()!;
    for (const l of lines) {
      // An object whose header cannot be read is listed as "<oid> missing": a corrupt
      // repository must fail the scan, not pass it in silence.
      if (l.endsWith(" missing")) throw new CorruptRepositoryError(`object ${l.slice(0, l.indexOf(" "))} cannot be read: the repository is corrupt`);
      if (!l.startsWith("blob ")) continue;
      const [oid, size, disk, base] = l.slice(5).split(" ") as [string, string, string, string];
      const i = list.oids.push(oid) - 1;
      list.sizes.push(Number(size));
      if (!/^0+$/.test(base)) deltas.push({ i, base });
      else if (Number(size) >= OPAQUE_MIN_BYTES && Number(disk) >= OPAQUE_RATIO * Number(size)) {
        list.opaque.add(i);
        opaqueIds.add(oid);
      }
    }
  }
  await proc.done;
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
const MKTREE_BATCH = 4 * 1024 * 1024;

/**
 * In order, as git finds them: indexes into `oids` of the blobs that match `pcre` (any one
 * of them), and `{ passed: n }` once the first n blobs have all been searched. Throws when this git
 * cannot do it (no PCRE support, an unreadable object).
 */
export async function* grepBlobs(oids: readonly string[], sizes: readonly number[], pcre: string | readonly string[], opts: GitOptions): AsyncGenerator<GrepEvent> {
  const objects = resolve(opts.cwd, (await gitText(["rev-parse", "--git-path", "objects"], opts)).trim());
  const scratch = mkdtempSync(join(tmpdir(), "leakguard-objects-"));
  try {
    const base = opts.env ?? process.env;
    const alternates = [objects, base["GIT_ALTERNATE_OBJECT_DIRECTORIES"]].filter(Boolean).join(delimiter);
    const env = { ...base, GIT_OBJECT_DIRECTORY: scratch, GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates };
    const width = String(Math.max(0, oids.length - 1)).length;
    const name = (i: number) => String(i).padStart(width, "0");
    const marker = `leakguard-progress-${randomBytes(12).toString("hex")}`;
    // Written to the scratch directory only, like the tree.
    const sentinel = (await gitText(["hash-object", "-w", "--no-filters", "--stdin"], { ...opts, env, input: `\x01${marker}\n` })).trim();
    const step = Math.max(MIN_PROGRESS_BYTES, Math.ceil(sizes.reduce((a, b) => a + b, 0) / PROGRESS_STEPS));
    // `<n>p…` sorts after blob n and before blob n+1 (digits sort before "p").
    const pad = "p".repeat(SENTINEL_PAD);

    // mktree reads everything before it writes: fed MKTREE_BATCH a turn, so that the
    // history walk sharing this event loop does not hold up git grep's start.
    const mktree = spawnGit(["mktree", "--missing"], { ...opts, env });
    const feed = writeLines(mktree.stdin, (function* () {
      let since = 0;
      for (let i = 0; i < oids.length; i++) {
        yield `100644 blob ${oids[i]}\t${name(i)}`;
        since += sizes[i] ?? 0;
        if (since >= step || i === oids.length - 1) {
          yield `100644 blob ${sentinel}\t${name(i)}${pad}`;
          since = 0;
        }
      }
    })(), MKTREE_BATCH);
    let tree = "";
    for await (const chunk of mktree.stdout as AsyncIterable<Buffer>) tree += chunk.toString("latin1");
    await Promise.all([feed, mktree.done]);

    // One thread: it inflates on one core and leaves the other to the history walk.
    // Inflated delta bases are cached up to git's default of 96 MiB, all of it used on a
    // history with big files edited often: 32 MiB (twice the largest blob grep is given,
    // GREP_MAX_BYTES in read-blobs.ts, so the base of its next version stays cached) gives
    // the same speed at half the memory.
    // Each pattern is searched on its own (git grep's look-ahead takes the first hit of any).
    const patterns = (typeof pcre === "string" ? [pcre] : pcre).flatMap((p) => ["-e", p]);
    const grep = spawnGit(["-c", "core.deltaBaseCacheLimit=32m", "grep", "--threads=1", "-l", "-z", "--no-color", "-P", ...patterns, "-e", `\\x01${marker}`, tree.trim()], { ...opts, env });
    grep.stdin.end();
    let rest = "";
    let passed = 0;
    // `tree:<digits>p` is enough to know a sentinel was reached; the rest of its name follows later.
    const reached = (n: string) => {
      const at = n.indexOf(":") + 1;
      const p = n.indexOf("p", at);
      return p > at ? Number(n.slice(at, p)) + 1 : 0;
    };
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
    rmSync(scratch, { recursive: true, force: true });
  }
}
