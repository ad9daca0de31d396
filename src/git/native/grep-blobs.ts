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
}

/** Every blob in the object store, in pack order (cheap: nothing is inflated). */
export async function listBlobs(opts: GitOptions): Promise<BlobList> {
  const proc = spawnGit(["cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname) %(objectsize)"], opts);
  proc.stdin.end();
  const list: BlobList = { oids: [], sizes: [] };
  let rest = "";
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString("latin1")).split("\n");
    rest = lines.pop()!;
    for (const l of lines) {
      // An object whose header cannot be read is listed as "<oid> missing": a corrupt
      // repository must fail the scan, not pass it in silence.
      if (l.endsWith(" missing")) throw new CorruptRepositoryError(`object ${l.slice(0, l.indexOf(" "))} cannot be read: the repository is corrupt`);
      if (!l.startsWith("blob ")) continue;
      const sp = l.indexOf(" ", 5);
      list.oids.push(l.slice(5, sp));
      list.sizes.push(Number(l.slice(sp + 1)));
    }
  }
  await proc.done;
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

/**
 * In order, as git finds them: indexes into `oids` of the blobs that match `pcre`, and
 * `{ passed: n }` once the first n blobs have all been searched. Throws when this git
 * cannot do it (no PCRE support, an unreadable object).
 */
export async function* grepBlobs(oids: readonly string[], sizes: readonly number[], pcre: string, opts: GitOptions): AsyncGenerator<GrepEvent> {
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
    })());
    let tree = "";
    for await (const chunk of mktree.stdout as AsyncIterable<Buffer>) tree += chunk.toString("latin1");
    await Promise.all([feed, mktree.done]);

    // One thread: it inflates on one core and leaves the other to the history walk.
    const grep = spawnGit(["grep", "--threads=1", "-l", "-z", "--no-color", "-P", "-e", pcre, "-e", `\\x01${marker}`, tree.trim()], { ...opts, env });
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
