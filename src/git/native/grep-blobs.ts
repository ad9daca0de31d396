import { UsageError } from "../../errors.js";
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
      if (l.endsWith(" missing")) throw new UsageError(`object ${l.slice(0, l.indexOf(" "))} cannot be read: the repository is corrupt`);
      if (!l.startsWith("blob ")) continue;
      const sp = l.indexOf(" ", 5);
      list.oids.push(l.slice(5, sp));
      list.sizes.push(Number(l.slice(sp + 1)));
    }
  }
  await proc.done;
  return list;
}

/**
 * Indexes into `oids` of the blobs that match `pcre`, in order, as git finds
 * them. Throws when this git cannot do it (no PCRE support, an unreadable object).
 */
export async function* grepBlobs(oids: readonly string[], pcre: string, opts: GitOptions): AsyncGenerator<number> {
  const objects = resolve(opts.cwd, (await gitText(["rev-parse", "--git-path", "objects"], opts)).trim());
  const scratch = mkdtempSync(join(tmpdir(), "leakguard-objects-"));
  try {
    const base = opts.env ?? process.env;
    const alternates = [objects, base["GIT_ALTERNATE_OBJECT_DIRECTORIES"]].filter(Boolean).join(delimiter);
    const env = { ...base, GIT_OBJECT_DIRECTORY: scratch, GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates };
    const width = String(Math.max(0, oids.length - 1)).length;
    const name = (i: number) => String(i).padStart(width, "0");

    const mktree = spawnGit(["mktree", "--missing"], { ...opts, env });
    const feed = writeLines(mktree.stdin, (function* () {
      for (let i = 0; i < oids.length; i++) yield `100644 blob ${oids[i]}\t${name(i)}`;
    })());
    let tree = "";
    for await (const chunk of mktree.stdout as AsyncIterable<Buffer>) tree += chunk.toString("latin1");
    await Promise.all([feed, mktree.done]);

    // One thread: it inflates on one core and leaves the other to the history walk.
    const grep = spawnGit(["grep", "--threads=1", "-l", "-z", "--no-color", "-P", "-e", pcre, tree.trim()], { ...opts, env });
    grep.stdin.end();
    let rest = "";
    for await (const chunk of grep.stdout as AsyncIterable<Buffer>) {
      const names = (rest + chunk.toString("latin1")).split("\0");
      rest = names.pop()!;
      for (const n of names) yield Number(n.slice(n.lastIndexOf(":") + 1));
    }
    // Exit 1 is git grep's "nothing matched".
    await grep.done.catch((e: unknown) => {
      if ((e as { exitCode?: number }).exitCode !== 1) throw e;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
