import type { Detector } from "../detectors/types.js";
import { DETECTORS, isDotenvPath, mayHoldStripeKey, STRIPE_KEY_PCRE, STRIPE_MARKER_BYTES } from "../detectors/index.js";
import type { GitEngine, Selection } from "../objects/scan-target.js";
import type { WindowAt } from "./collector.js";

import type { ScanResult, ScanStats } from "./finding.js";
import { collectWithViews, createCollector, emptyStats, viewsMatch } from "./collector.js";
import { mayHoldViews } from "../objects/views/derive-views.js";
import { archiveKind } from "../objects/views/archive-members.js";
import { compareFindings } from "./to-finding.js";
import { detectKeysInPath } from "./detect-keys-in-path.js";
import type { Introduction } from "../objects/walk-objects.js";
import { historyReads, historyTargets, WINDOW_BYTES } from "../objects/history-targets.js";
import { takeTurns } from "../util/take-turns.js";

export interface Progress {
  commits: number;
  blobs: number;
  bytes: number;
}

export interface HistoryScanOptions {
  engine: GitEngine;
  selection: Selection;
  detectors?: readonly Detector[];
  baseline?: ReadonlySet<string>;
  onProgress?: (p: Progress) => void;
  /**
   * The same signal given to the engine. An aborted engine ends its streams early, so the
   * scan throws instead of returning a partial result as if it were complete.
   */
  signal?: AbortSignal;
}

/**
 * What the detectors want read from history (objects/history-targets.ts wires it into
 * the engine's filters): blobs and messages that may hold a key marker, and every path
 * of a blob at a dotenv path, whatever it holds. The hook's screen reads through the same.
 */
export const SCAN_READS = historyReads({ test: mayHoldStripeKey, overlap: STRIPE_MARKER_BYTES - 1, pcre: STRIPE_KEY_PCRE }, isDotenvPath);

/**
 * Scans the objects of a selection (src/objects/history-targets.ts reads them). Each unique
 * blob is read and matched once; only the few blobs that can hold a key (or sit at a
 * dotenv path) are kept and attributed to the commit and path that introduced them.
 * Objects the selection names that could not be read are listed in the stats, and the
 * result is then incomplete (exit 2, never a clean pass).
 */
export async function scanHistory(opts: HistoryScanOptions): Promise<ScanResult> {
  const { engine, selection } = opts;
  const started = performance.now();
  const stats: ScanStats = emptyStats();
  const detectors = opts.detectors ?? DETECTORS;
  const collector = createCollector(detectors, opts.baseline ?? new Set(), stats);
  const report = () => opts.onProgress?.({ commits: stats.commits, blobs: stats.blobs, bytes: stats.bytes });

  // Blobs without a key marker (or, where the engine can search in bulk, without a
  // key-shaped token) are streamed past, never gathered. Of the rest, only blobs where a
  // detector really matches are kept until attribution: placeholders such as test
  // fixtures' short fake keys are common and would pile up. A windowed blob that matches
  // is only noted, and read again once its path is known.
  const candidates = new Map<string, Buffer>();
  const windowed = new Set<string>();
  // A blob the detectors cannot get through (the isomorphic engine hands on a 700 MB
  // blob whole, more than one string can hold) is named as unread; the scan goes on.
  const unscannable = new Set<string>();
  const guard = <T>(oid: string, run: () => T, otherwise: T): T => {
    try {
      return run();
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === "ERR_STRING_TOO_LONG") {
        unscannable.add(oid);
        return otherwise;
      }
      throw err;
    }
  };
  const matches = (oid: string, bytes: Buffer) => mayHoldStripeKey(bytes) && guard(oid, () => detectors.some((d) => d({ path: "", bytes, firstOnly: true }).length > 0), false);
  // Archives and encoded prefixes are let through by their signature, and kept only when
  // a view of them matches (or could not be expanded whole, so that the blob is named).
  const viewMatches = async (oid: string, bytes: Buffer) => mayHoldViews(bytes) && (await viewsMatch(detectors, bytes).catch((err: unknown) => guard(oid, () => { throw err; }, false)));
  // Why each blob was not fully scanned (an archive over a limit, one too big to open).
  const notFully = new Map<string, string>();
  // Archives whose bytes the gate saw: the others (passed over by a bulk prefilter) are read again by name.
  const opened = new Set<string>();
  const walked = await historyTargets(engine, selection, SCAN_READS, (n) => {
    stats.commits = n;
    if ((n & 255) === 0) report();
  });
  // A stop (the app's scan deadline) is seen between windows and blobs, not only at the end.
  const turn = takeTurns(opts.signal);
  for await (const blob of walked.blobs) {
    await turn();
    if ("window" in blob) {
      if (!windowed.has(blob.oid) && matches(blob.oid, blob.bytes)) windowed.add(blob.oid);
      // Opened whole or not at all: an archive over a window is named as not fully scanned.
      if (blob.window.offset === 0 && archiveKind(blob.bytes)) notFully.set(blob.oid, `archive over ${WINDOW_BYTES} bytes, not opened`);
      continue;
    }
    if ("unread" in blob) continue;
    stats.blobs++;
    if (blob.bytes === null) stats.bytes += blob.size;
    else {
      stats.bytes += blob.bytes.length;
      if (archiveKind(blob.bytes)) opened.add(blob.oid);
      if (matches(blob.oid, blob.bytes) || (await viewMatches(blob.oid, blob.bytes))) candidates.set(blob.oid, Buffer.from(blob.bytes));
    }
    if ((stats.blobs & 1023) === 0) report();
  }
  const index = await walked.index();
  opts.signal?.throwIfAborted();
  stats.commits = index.commits;
  stats.submodules = index.submodules;

  // Read once, reported at every path that introduces it (issue 10): a `.env` copied to
  // `.env.bak`, a bundle deployed under another path of a gh-pages branch. Each path is
  // matched on its own, as its name decides the vector and the dotenv rule.
  const omittedCounted = new Set<string>();
  const scanBlob = async (blob: string, bytes: Buffer, at: WindowAt | null) => {
    const locations = index.locationsOf(blob);
    if (locations.length === 0) return; // reachable from nothing in the selection (a dangling object)
    const ctx = (i: Introduction) => ({ path: i.path, commit: i.commit, blob, source: "file" as const });
    const before = collector.findings.length + collector.suppressed.length;
    for (const i of locations) {
      if (at) guard(blob, () => collector.run(i.path, bytes, ctx(i), undefined, at), undefined);
      else {
        const why = await collectWithViews(collector, i.path, bytes, ctx(i)).catch((err: unknown) => guard(blob, () => { throw err; }, null));
        if (why) notFully.set(blob, why);
      }
    }
    const kept = new Set(locations.map((i) => i.path));
    for (const [path, i] of index.dotenvAt.get(blob) ?? []) {
      if (kept.has(path)) continue;
      guard(blob, () => collector.run(path, bytes, ctx(i), (rule) => rule === "dotenv-file", at), undefined);
    }
    if (collector.findings.length + collector.suppressed.length > before && !omittedCounted.has(blob)) {
      omittedCounted.add(blob);
      stats.locationsOmitted = (stats.locationsOmitted ?? 0) + index.locationsOmitted(blob);
    }
  };
  for (const [blob, bytes] of candidates) {
    await turn();
    await scanBlob(blob, bytes, null);
  }

  // dotenv blobs that did not pass the key prefilter, and windowed blobs that matched.
  // Archives by name that the prefilter passed over, too: no signature search could see them.
  const unreadSet = new Set(index.unread);
  const byName = [...index.archiveNamed].filter((b) => !candidates.has(b) && !opened.has(b) && !unreadSet.has(b) && !windowed.has(b));
  const again = [...new Set([...[...index.dotenvAt.keys()].filter((b) => !candidates.has(b) && !unreadSet.has(b)), ...windowed, ...byName])];
  const unread = new Set(index.unread);
  for await (const r of walked.reread(again)) {
    await turn();
    if ("unread" in r) unread.add(r.oid);
    else if ("window" in r) {
      if (r.window.offset === 0 && archiveKind(r.bytes)) notFully.set(r.oid, `archive over ${WINDOW_BYTES} bytes, not opened`);
      await scanBlob(r.oid, r.bytes, r.window);
    } else if (r.bytes) await scanBlob(r.oid, r.bytes, null);
  }

  for (const m of index.messages) {
    await turn();
    collector.run(m.path, m.bytes, { path: m.path, commit: m.commit, blob: m.object, source: m.source }, undefined, m.window ?? null);
  }

  const names = createCollector([detectKeysInPath], opts.baseline ?? new Set(), stats);
  for (const { path, commit, blob } of index.keyedPaths.values()) names.run(path, Buffer.alloc(0), { path, commit, blob, source: "path" });

  opts.signal?.throwIfAborted();
  // Only blobs the selection reaches count (a dangling archive is nobody's exposure).
  const notFullyReached = [...notFully].filter(([oid]) => index.firstSeen.has(oid));
  stats.unreadObjects = [...new Set([...unread, ...unscannable, ...notFullyReached.map(([oid]) => oid)])].sort();
  stats.incomplete = stats.unreadObjects.length > 0;
  stats.partial = index.shallow || stats.incomplete;
  report();
  stats.ms = Math.round(performance.now() - started);
  return {
    findings: [...collector.findings, ...names.findings].sort(compareFindings),
    stats,
    suppressed: [...collector.suppressed, ...names.suppressed].sort(compareFindings),
    ...(notFullyReached.length ? { unread: notFullyReached.map(([oid, why]) => ({ path: index.firstSeen.get(oid)!.path, reason: `not fully scanned: ${why}` })) } : {}),
  };
}
