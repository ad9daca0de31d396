import type { BlobFilter, BlobIds, BlobRead } from "../engine.js";
import type { BlobContent } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { CorruptRepositoryError } from "../../errors.js";
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

/** What a full-history read is doing, for the walk to wait on (engine.ts). */
export interface ReaderState {
  listing: Promise<unknown> | null;
}

export function createBlobReader(opts: GitOptions, prefilter: Prefilter = "grep", state: ReaderState = { listing: null }) {
  function readBlobs(oids: BlobIds): AsyncIterable<BlobContent>;
  function readBlobs(oids: BlobIds, filter: BlobFilter): AsyncIterable<Read>;
  function readBlobs(oids: BlobIds, filter?: BlobFilter): AsyncIterable<Read> {
    if (oids === "all") return readAll(opts, prefilter, state, filter);
    // Every spawn costs a pre-receive hook time; an empty list needs no process.
    if (Array.isArray(oids) && oids.length === 0) return (async function* () {})();
    return catFile(opts, oids, filter);
  }
  return readBlobs;
}

/**
 * git grep loads each blob whole, so blobs over this size are not given to it: they are
 * streamed through cat-file (tested here, in windows when big) instead (a 2 GB blob of
 * zeros would otherwise cost git grep 2 GB of memory).
 */
export const GREP_MAX_BYTES = 16 * 1024 * 1024;

async function* readAll(opts: GitOptions, prefilter: Prefilter, state: ReaderState, filter?: BlobFilter): AsyncGenerator<Read> {
  // Listing is cheap (nothing inflated) and lets trees and commits stay packed; pack order
  // keeps delta bases hot in git's cache.
  const listing = listBlobs(opts);
  state.listing = listing;
  const listed = await listing;
  if (filter?.pcre && prefilter === "grep") {
    const oids: string[] = [];
    const sizes: number[] = [];
    const big: string[] = [];
    for (let i = 0; i < listed.oids.length; i++) {
      // Opaque blobs (compressed data: maybe an archive under any name) are read by cat-file,
      // where the filter sees their first bytes, instead of being searched by git grep.
      if (listed.sizes[i]! > GREP_MAX_BYTES || listed.opaque.has(i)) big.push(listed.oids[i]!);
      else {
        oids.push(listed.oids[i]!);
        sizes.push(listed.sizes[i]!);
      }
    }
    // Hits go to cat-file as git grep finds them; the rest are handed on as skipped as
    // soon as git grep has passed them, so that what is counted is what was read.
    const asked = new Uint8Array(oids.length);
    const skipped: Read[] = [];
    let wake: (() => void) | null = null;
    let done = 0;
    const pass = (upTo: number) => {
      for (; done < upTo; done++) if (!asked[done]) skipped.push({ oid: oids[done]!, bytes: null, size: sizes[done]! });
      wake?.();
    };
    let failed = false;
    const hits = (async function* () {
      try {
        for await (const e of grepBlobs(oids, sizes, filter.pcre!, opts)) {
          if ("passed" in e) pass(e.passed);
          else if (!asked[e.hit]) {
            asked[e.hit] = 1;
            yield oids[e.hit]!;
          }
        }
      } catch {
        failed = true;
      }
    })();
    yield* beforeEach(catFile(opts, hits, filter), skipped, (w) => (wake = w));
    if (big.length) yield* catFile(opts, big, filter);
    if (!failed) {
      pass(oids.length);
      yield* skipped.splice(0);
      return;
    }
    // This git could not grep (e.g. no PCRE): stream what was not read yet.
    opts.signal?.throwIfAborted();
    yield* skipped.splice(0);
    yield* catFile(opts, oids.filter((_, i) => i >= done && !asked[i]), filter);
    return;
  }
  yield* catFile(opts, listed.oids, filter);
}

/**
 * Items of `content` as they come, each preceded by whatever `pending` holds by then; and
 * what `pending` gains while `content` is quiet, when `onPending`'s waker is called. A
 * blob grep passed is pushed before the content of any later hit can arrive, so the
 * count never runs ahead of the reading or behind it.
 */
async function* beforeEach(content: AsyncIterable<Read>, pending: Read[], onPending: (wake: () => void) => void): AsyncGenerator<Read> {
  const it = content[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      yield* pending.splice(0);
      const woke = new Promise<null>((r) => onPending(() => r(null)));
      const got = await Promise.race([next, woke]);
      yield* pending.splice(0);
      if (got === null) continue;
      if (got.done) return;
      next = it.next();
      yield got.value;
    }
  } finally {
    onPending(() => {});
    await it.return?.();
  }
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
  if (missing.length) throw new CorruptRepositoryError(`object ${missing[0]} is missing: the repository is corrupt or incomplete`);
}

export type { BlobContent };
