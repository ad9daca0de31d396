import type { BlobFilter, BlobIds, BlobRead } from "../engine.js";
import type { BlobContent } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { CorruptRepositoryError } from "../../errors.js";
import { spawnGit } from "../run-git.js";
import type { BatchObject } from "./cat-file.js";
import { createBatchParser } from "./cat-file.js";
import type { GrepEvent, GrepScratch, ListedBlob } from "./grep-blobs.js";
import { grepBlobs, isOpaqueRoot, listBlobs, objectsDir, openGrepScratch, streamBlobListing } from "./grep-blobs.js";
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

export function createBlobReader(opts: GitOptions, prefilter: Prefilter = "grep", state: ReaderState = { listing: null }, firstTreeBytes = FIRST_GREP_BYTES) {
  function readBlobs(oids: BlobIds): AsyncIterable<BlobContent>;
  function readBlobs(oids: BlobIds, filter: BlobFilter): AsyncIterable<Read>;
  function readBlobs(oids: BlobIds, filter?: BlobFilter): AsyncIterable<Read> {
    if (oids === "all") return readAll(opts, prefilter, state, firstTreeBytes, filter);
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

/**
 * git grep starts on the first blobs listed, while git is still listing the rest (in a
 * repository written by fast-import every blob comes before the first tree, and the listing
 * spends most of its time on trees and commits): the first tree holds the first
 * FIRST_GREP_BYTES of blobs, and each later one what was listed while the one before it
 * was searched, at least GREP_GROWTH times its bytes, so that a history is searched in a
 * few trees. Each new git grep starts with a cold cache of delta bases (about 0.1 s of CPU
 * on the 1 GB benchmark per extra tree), hence few and growing.
 */
const FIRST_GREP_BYTES = 64 * 1024 * 1024;
const GREP_GROWTH = 4;
/** A tree is built in memory whole (about 33 bytes an entry): a history of millions of blobs gets several. */
const MAX_TREE_BLOBS = 1 << 20;

async function* readAll(opts: GitOptions, prefilter: Prefilter, state: ReaderState, firstTreeBytes: number, filter?: BlobFilter): AsyncGenerator<Read> {
  if (!filter?.pcre || prefilter !== "grep") {
    // Listing is cheap (nothing inflated) and lets trees and commits stay packed; pack order
    // keeps delta bases hot in git's cache.
    const listing = listBlobs(opts);
    state.listing = listing;
    yield* catFile(opts, (await listing).oids, filter);
    return;
  }
  const pcre = filter.pcre;
  // What git grep searches, in the order of its trees; the rest (too big for git grep to
  // hold, or opaque: compressed data, maybe an archive under any name) is read by cat-file,
  // where the filter sees their first bytes.
  const oids: string[] = [];
  const sizes: number[] = [];
  const big: string[] = [];
  let listedBytes = 0;
  // Opaque or not, for every blob whose answer is known: a delta takes its base's, so a
  // delta listed before its base (a thin pack completed by index-pack) waits for the end.
  const opaque = new Map<string, boolean>();
  const later: ListedBlob[] = [];
  let ended = false;
  let listingFailed = false;
  let wanted = Infinity; // bytes the tree builder waits for
  let wakeBuilder: (() => void) | null = null;
  const route = (b: ListedBlob, isOpaque: boolean) => {
    opaque.set(b.oid, isOpaque);
    if (b.size > GREP_MAX_BYTES || isOpaque) return void big.push(b.oid);
    oids.push(b.oid);
    sizes.push(b.size);
    listedBytes += b.size;
  };
  const listing = streamBlobListing(opts, (b) => {
    const isOpaque = b.base === null ? isOpaqueRoot(b) : opaque.get(b.base);
    if (isOpaque === undefined) later.push(b);
    else route(b, isOpaque);
    if (listedBytes >= wanted && wakeBuilder) {
      wakeBuilder();
      wakeBuilder = null;
    }
  })
    .then(() => {
      // The deltas whose base came later (or never: then not opaque, as no opaque blob is its base).
      for (let grew = true; grew; ) {
        grew = false;
        for (const b of later) {
          const isOpaque = opaque.has(b.oid) ? undefined : opaque.get(b.base!);
          if (isOpaque === undefined) continue;
          route(b, isOpaque);
          grew = true;
        }
      }
      for (const b of later) if (!opaque.has(b.oid)) route(b, false);
      later.length = 0;
    })
    .catch((err: unknown) => {
      listingFailed = true;
      throw err;
    })
    .finally(() => {
      ended = true;
      wakeBuilder?.();
      wakeBuilder = null;
    });
  state.listing = listing;
  listing.catch(() => {});
  // Asked now, while git lists; the scratch directory itself is made when the first tree is due.
  const objects = objectsDir(opts);
  objects.catch(() => {});

  // Each tree's blobs, as they are listed; events with indexes into `oids`.
  const events = async function* (): AsyncGenerator<GrepEvent> {
    let s: GrepScratch | null = null;
    try {
      let lo = 0;
      let before = 0; // bytes of the blobs before oids[lo]
      let last = 0; // bytes in the last tree
      for (;;) {
        const want = before + Math.max(firstTreeBytes, GREP_GROWTH * last);
        wanted = want;
        while (!ended && listedBytes < want) await new Promise<void>((r) => (wakeBuilder = r));
        if (listingFailed) return;
        const hi = Math.min(oids.length, lo + MAX_TREE_BLOBS);
        if (hi > lo) {
          s ??= openGrepScratch(await objects, opts);
          last = 0;
          for (let i = lo; i < hi; i++) last += sizes[i]!;
          before += last;
          for await (const e of grepBlobs(s, oids.slice(lo, hi), sizes.slice(lo, hi), pcre, opts)) yield "hit" in e ? { hit: lo + e.hit } : { passed: lo + e.passed };
          lo = hi;
        }
        if (ended && lo === oids.length) return;
      }
    } finally {
      s?.close();
    }
  };

  // What the read hands on, in one queue fed from three sides: blobs git grep passed over
  // (as skipped, as soon as it has passed them, so that what is counted is what was read),
  // the content of its hits (cat-file, as git grep finds them), and the blobs git grep is
  // not given (cat-file, from the end of the listing on, beside git grep: after it, they
  // were the last thing the scan waited for). A skipped blob is queued before the content
  // of any later hit can arrive, so the count never runs ahead of the reading or behind it.
  const queue: Read[] = [];
  // Who waits: the consumer for the queue, a producer for the consumer.
  const waiting: { queued: (() => void) | null; drained: (() => void) | null } = { queued: null, drained: null };
  let stopped = false;
  const wakeConsumer = () => {
    waiting.queued?.();
    waiting.queued = null;
  };
  const produce = async (reads: AsyncIterable<Read>) => {
    for await (const r of reads) {
      if (stopped) return;
      queue.push(r);
      wakeConsumer();
      // Content waits for the consumer: only a few blobs are held here.
      while (queue.length >= QUEUE_HIGH && !stopped) await new Promise<void>((w) => (waiting.drained = w));
    }
  };

  const asked = new Set<number>();
  let done = 0;
  const pass = (upTo: number) => {
    for (; done < upTo; done++) if (!asked.has(done)) queue.push({ oid: oids[done]!, bytes: null, size: sizes[done]! });
    wakeConsumer();
  };
  let failed = false;
  const hits = (async function* () {
    try {
      for await (const e of events()) {
        if ("passed" in e) pass(e.passed);
        else if (!asked.has(e.hit)) {
          asked.add(e.hit);
          yield oids[e.hit]!;
        }
      }
    } catch {
      failed = true;
    }
  })();
  let finished = false;
  let error: unknown = null;
  const run = (async () => {
    const content = produce(catFile(opts, hits, filter));
    content.catch(() => {});
    // A listing that failed (a corrupt repository) fails the read, whatever grep did.
    await listing;
    const rest = big.length ? produce(catFile({ ...opts, config: BIG_READ_CONFIG }, big, filter)) : null;
    rest?.catch(() => {});
    await content;
    await rest;
    if (!failed) return pass(oids.length);
    // This git could not grep (e.g. no PCRE): stream what was not read yet.
    opts.signal?.throwIfAborted();
    const from = done;
    done = oids.length;
    await produce(catFile(opts, oids.filter((_, i) => i >= from && !asked.has(i)), filter));
  })();
  run
    .then(
      () => void (finished = true),
      (err: unknown) => void (error = err),
    )
    .finally(wakeConsumer);

  try {
    for (;;) {
      if (error) throw error;
      if (queue.length) {
        const batch = queue.splice(0);
        waiting.drained?.();
        waiting.drained = null;
        for (const r of batch) yield r;
        continue;
      }
      if (finished) return;
      await new Promise<void>((w) => (waiting.queued = w));
    }
  } finally {
    stopped = true;
    waiting.drained?.();
  }
}

/** Reads queued ahead of the consumer before a cat-file waits (each at most one blob or window). */
const QUEUE_HIGH = 16;
/** Blobs git grep is not given share few delta bases with each other: a small cache will do. */
const BIG_READ_CONFIG = ["-c", "core.deltaBaseCacheLimit=16m"];

/**
 * Without a filter a missing object fails the read (the caller needs every byte); with
 * one it is handed on as unread, so that a scan names it and goes on (STYLE 3.9).
 */
async function* catFile(opts: GitOptions & { config?: readonly string[] }, oids: AsyncIterable<string> | Iterable<string>, filter?: BlobFilter): AsyncGenerator<Read> {
  // --buffer: git flushes its output when the buffer fills, not after every object.
  const proc = spawnGit([...(opts.config ?? []), "-c", "protocol.allow=never", "cat-file", "--batch", "--buffer"], opts);
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
