import type { BlobFilter, BlobIds, BlobRead } from "../engine.js";
import type { BlobContent } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { UsageError } from "../../errors.js";
import { spawnGit } from "../run-git.js";
import type { BatchObject } from "./cat-file.js";
import { createBatchParser } from "./cat-file.js";
import { grepBlobs, listBlobs } from "./grep-blobs.js";
import { parseProcess, writeLines } from "./stream.js";

/**
 * How a full-history read finds the blobs its filter wants: `grep` lets `git grep` search
 * every blob and streams only the hits (the default: most bytes never cross a pipe);
 * `stream` pipes every blob through `cat-file` and tests it here (what `grep` falls back
 * to when this git cannot, e.g. built without PCRE).
 */
export type Prefilter = "grep" | "stream";

type Read = BlobRead;

export function createBlobReader(opts: GitOptions, prefilter: Prefilter = "grep") {
  function readBlobs(oids: BlobIds): AsyncIterable<BlobContent>;
  function readBlobs(oids: BlobIds, filter: BlobFilter): AsyncIterable<Read>;
  function readBlobs(oids: BlobIds, filter?: BlobFilter): AsyncIterable<Read> {
    if (oids === "all") return readAll(opts, prefilter, filter);
    // Every spawn costs a pre-receive hook time; an empty list needs no process.
    if (Array.isArray(oids) && oids.length === 0) return (async function* () {})();
    return catFile(opts, oids, filter);
  }
  return readBlobs;
}

/**
 * git grep loads each blob whole, so blobs over this size are not given to it: they are
 * streamed through cat-file and read in windows instead (a 2 GB blob of zeros would
 * otherwise cost git grep 2 GB of memory).
 */
const GREP_MAX_BYTES = 64 * 1024 * 1024;

async function* readAll(opts: GitOptions, prefilter: Prefilter, filter?: BlobFilter): AsyncGenerator<Read> {
  // Listing is cheap (nothing inflated) and lets trees and commits stay packed; pack order
  // keeps delta bases hot in git's cache.
  const listed = await listBlobs(opts);
  if (filter?.pcre && prefilter === "grep") {
    const oids: string[] = [];
    const sizes: number[] = [];
    const big: string[] = [];
    for (let i = 0; i < listed.oids.length; i++) {
      if (listed.sizes[i]! > GREP_MAX_BYTES) big.push(listed.oids[i]!);
      else {
        oids.push(listed.oids[i]!);
        sizes.push(listed.sizes[i]!);
      }
    }
    // Hits go to cat-file as git grep finds them; the rest are only counted.
    const asked = new Uint8Array(oids.length);
    let failed = false;
    const hits = (async function* () {
      try {
        for await (const i of grepBlobs(oids, filter.pcre!, opts)) {
          asked[i] = 1;
          yield oids[i]!;
        }
      } catch {
        failed = true;
      }
    })();
    yield* catFile(opts, hits, filter);
    if (big.length) yield* catFile(opts, big, filter);
    if (!failed) {
      for (let i = 0; i < oids.length; i++) if (!asked[i]) yield { oid: oids[i]!, bytes: null, size: sizes[i]! };
      return;
    }
    // This git could not grep (e.g. no PCRE): stream what was not read yet.
    opts.signal?.throwIfAborted();
    yield* catFile(opts, oids.filter((_, i) => !asked[i]), filter);
    return;
  }
  yield* catFile(opts, listed.oids, filter);
}

/**
 * Without a filter a missing object fails the read (the caller needs every byte); with
 * one it is handed on as unread, so that a scan names it and goes on (STYLE 3.9).
 */
async function* catFile(opts: GitOptions, oids: AsyncIterable<string> | Iterable<string>, filter?: BlobFilter): AsyncGenerator<Read> {
  // --buffer: git flushes its output when the buffer fills, not after every object.
  const proc = spawnGit(["-c", "protocol.allow=never", "cat-file", "--batch", "--buffer"], opts);
  const feed = writeLines(proc.stdin, oids);
  const missing: string[] = [];
  const toRead = (o: BatchObject): Read =>
    o.window && o.bytes ? { oid: o.oid, bytes: o.bytes, window: o.window } : o.bytes ? { oid: o.oid, bytes: o.bytes } : { oid: o.oid, bytes: null, size: o.size };
  const onMissing = (emit: (r: Read) => void) => (oid: string) => (filter ? emit({ oid, bytes: null, size: 0, unread: "missing" }) : missing.push(oid));
  yield* parseProcess<Read>(proc, (emit) => createBatchParser((o) => emit(toRead(o)), onMissing(emit), filter));
  await feed;
  if (missing.length) throw new UsageError(`object ${missing[0]} is missing: the repository is corrupt or incomplete`);
}

export type { BlobContent };
