import type { BlobFilter, GitEngine, Selection } from "../git/engine.js";
import type { ReadInterest, WalkedObjects } from "./walk-objects.js";
import { walkObjects } from "./walk-objects.js";
import { VIEWS_PCRE } from "./views/derive-views.js";
import { mayHoldEncodedKeyBesidesMarkers } from "./views/encoded-views.js";

// The history stream a scan consumes (a full history, a range, a push, a tree at a
// commit): the engine opened, the walk started, and the filters the engine reads through
// wired from what the detectors look for (passed in: objects/ knows no detector) and what
// the views can open (archives, encoded keys: objects/views/). findings/scan-history.ts
// matches what comes out.

/**
 * Bounded memory (issue 8): a blob over WINDOW_BYTES is never held whole; the native
 * engine hands it on in windows of about that size. Windows end at a line break when
 * there is one in their second half; otherwise the next window repeats the last
 * WINDOW_OVERLAP bytes, so a key up to WINDOW_OVERLAP bytes long (4,096 characters in
 * UTF-16, over 40 times the longest key Stripe issues today) always lies whole in one
 * window. A longer key is still found when its blob fits in one window, or when it sits
 * on a line of its own shorter than half a window.
 */
export const WINDOW_BYTES = 32 * 1024 * 1024;
export const WINDOW_OVERLAP = 8192;

/** What the detectors' own prefilter says of bytes, as findings/ hands it in. */
export interface KeyMarkers {
  /** True for every piece that may hold a key. */
  test(bytes: Buffer): boolean;
  /** Bytes a marker may straddle between two pieces, less one. */
  overlap: number;
  /** A byte-wise PCRE that every blob holding a key matches (see BlobFilter.pcre). */
  pcre: string;
}

// Archive signatures anywhere in a piece (a reader may test a blob in pieces, and the
// first piece may be short): a superset of what archiveKind opens.
const SIGNATURES = [Buffer.from("PK\x03\x04", "latin1"), Buffer.from("\x1f\x8b\x08", "latin1"), Buffer.from("ustar")];

/**
 * The reads of a history scan. Blobs: every read that a detector may need, through the
 * key prefilter, and every blob a view may find a key in (an archive, a base64 or escaped
 * key prefix). Messages go through the detectors only (no views), so only the key markers
 * decide which are kept: three searches per commit instead of eighteen, for the tens of
 * thousands of raw commits a full history reads. Built once, at load: the filters are on
 * every object's path.
 */
export function historyReads(markers: KeyMarkers, keepPath: (path: string) => boolean): Required<ReadInterest> {
  const mayHoldKey = markers.test;
  const window = { size: WINDOW_BYTES, overlap: WINDOW_OVERLAP };
  const blobs: BlobFilter = {
    test: (b) => mayHoldKey(b) || SIGNATURES.some((s) => b.indexOf(s) !== -1) || mayHoldEncodedKeyBesidesMarkers(b),
    overlap: markers.overlap,
    pcre: [`${markers.pcre}|${VIEWS_PCRE.withKey}`, VIEWS_PCRE.apart],
    window,
  };
  const messages: BlobFilter = { test: mayHoldKey, overlap: markers.overlap, window };
  return { blobs, messages, keepPath };
}

/**
 * Opens the engine and walks the selection (src/objects/walk-objects.ts says what is
 * read): the blobs stream while the walk goes on, then the index says where each came
 * from, which messages and key-shaped paths were kept, and what could not be read.
 */
export async function historyTargets(engine: GitEngine, selection: Selection, reads: ReadInterest, onCommit?: (n: number) => void): Promise<WalkedObjects> {
  await engine.open();
  return walkObjects(engine, selection, reads, onCommit);
}
