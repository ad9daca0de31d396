import type { Detector } from "../detectors/types.js";
import { DETECTORS, isDotenvPath, mayHoldStripeKey, STRIPE_KEY_PCRE, STRIPE_MARKER_BYTES } from "../detectors/index.js";
import type { AnnotatedTag, BlobContent, BlobFilter, CommitMeta, GitEngine, Selection, SkippedBlob } from "../git/engine.js";
import type { ScanResult, ScanStats } from "./finding.js";
import { createCollector, emptyStats } from "./collector.js";
import { compareFindings } from "./to-finding.js";
import { createQueue } from "./queue.js";
import { detectKeysInPath } from "./detect-keys-in-path.js";

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

interface Introduction {
  commit: number; // index into commits[]
  path: string;
}

/**
 * Scans the commits of a selection. Each unique blob is read and matched once; only the
 * few blobs that can hold a key (or sit at a dotenv path) are kept and attributed to the
 * commit and path that introduced them. Walking history and inflating blobs run at the
 * same time: git inflates on one core while this process matches on the other.
 */
export async function scanHistory(opts: HistoryScanOptions): Promise<ScanResult> {
  const { engine, selection } = opts;
  const started = performance.now();
  const stats: ScanStats = emptyStats();
  const collector = createCollector(opts.detectors ?? DETECTORS, opts.baseline ?? new Set(), stats);
  await engine.open();
  stats.partial = await engine.isShallow();
  // Tags are read while the walk runs: each sequential git process adds to a push's wait.
  const tags = collectTags(engine, selection);
  tags.catch(() => {});

  const commits: CommitMeta[] = [];
  const firstSeen = new Map<string, Introduction>(); // blob -> oldest introduction
  const dotenvAt = new Map<string, Map<string, number>>(); // blob -> dotenv path -> commit
  const candidates = new Map<string, Buffer>();
  const keyedPaths = new Map<string, Introduction & { blob: string }>(); // a key in a file name (issue 8)
  const report = () => opts.onProgress?.({ commits: stats.commits, blobs: stats.blobs, bytes: stats.bytes });

  // Full history reads every blob in pack order without waiting for the walk; a range
  // reads only the blobs its commits introduce, as the walk finds them.
  const wanted = selection.all ? null : createQueue<string>();
  const walking = (async () => {
    try {
      for await (const c of engine.walk(selection)) {
        const index = commits.push(c.commit) - 1;
        stats.commits++;
        stats.submodules += c.gitlinks;
        if (mayHoldStripeKey(c.message)) {
          collector.run("(commit message)", c.message, { path: "(commit message)", commit: c.commit, blob: null, source: "commit-message" });
        }
        for (const ch of c.changes) {
          // git log lists newer commits first, so the last introduction seen is the oldest.
          if (!firstSeen.has(ch.blob)) wanted?.push(ch.blob);
          firstSeen.set(ch.blob, { commit: index, path: ch.path });
          if (ch.path.includes("k_live_") || ch.path.includes("k_test_")) keyedPaths.set(ch.path, { commit: index, path: ch.path, blob: ch.blob });
          if (isDotenvPath(ch.path)) {
            const paths = dotenvAt.get(ch.blob) ?? new Map<string, number>();
            paths.set(ch.path, index);
            dotenvAt.set(ch.blob, paths);
          }
        }
        if (stats.commits % 256 === 0) report();
      }
    } finally {
      wanted?.close();
    }
  })();

  // Blobs without a key marker (or, where the engine can search in bulk, without a
  // key-shaped token) are streamed past, never gathered. Of the rest, only blobs where a
  // detector really matches are kept until attribution: placeholders such as test
  // fixtures' short fake keys are common and would pile up.
  const detectors = opts.detectors ?? DETECTORS;
  const filter: BlobFilter = { test: mayHoldStripeKey, overlap: STRIPE_MARKER_BYTES - 1, pcre: STRIPE_KEY_PCRE };
  const keep = (blob: BlobContent | SkippedBlob) => {
    stats.blobs++;
    if (blob.bytes === null) stats.bytes += blob.size;
    else {
      stats.bytes += blob.bytes.length;
      if (mayHoldStripeKey(blob.bytes) && detectors.some((d) => d({ path: "", bytes: blob.bytes }).length > 0)) {
        candidates.set(blob.oid, Buffer.from(blob.bytes));
      }
    }
    if ((stats.blobs & 1023) === 0) report();
  };
  const reading = (async () => {
    for await (const blob of engine.readBlobs(wanted ?? "all", filter)) keep(blob);
  })();
  await Promise.all([walking, reading]);
  opts.signal?.throwIfAborted();

  // dotenv files are found by path, so their blobs may not have passed the key prefilter.
  const dotenvOnly = [...dotenvAt.keys()].filter((b) => !candidates.has(b));
  for await (const { oid, bytes } of engine.readBlobs(dotenvOnly)) candidates.set(oid, Buffer.from(bytes));

  for (const [blob, bytes] of candidates) {
    const first = firstSeen.get(blob);
    if (!first) continue; // reachable from no commit of the selection (dangling object)
    const commit = commits[first.commit]!;
    collector.run(first.path, bytes, { path: first.path, commit, blob, source: "file" });
    for (const [path, ci] of dotenvAt.get(blob) ?? []) {
      if (path === first.path) continue;
      collector.run(path, bytes, { path, commit: commits[ci]!, blob, source: "file" }, (rule) => rule === "dotenv-file");
    }
  }

  for (const tag of await tags) {
    const path = `(tag ${tag.name} message)`;
    const commit = { oid: tag.target, author: tag.tagger, date: tag.date };
    collector.run(path, tag.message, { path, commit, blob: tag.oid, source: "tag-message" });
  }

  const names = createCollector([detectKeysInPath], opts.baseline ?? new Set(), stats);
  for (const { path, commit, blob } of keyedPaths.values()) {
    names.run(path, Buffer.alloc(0), { path, commit: commits[commit]!, blob, source: "path" });
  }

  opts.signal?.throwIfAborted();
  report();
  stats.ms = Math.round(performance.now() - started);
  return {
    findings: [...collector.findings, ...names.findings].sort(compareFindings),
    stats,
    suppressed: [...collector.suppressed, ...names.suppressed].sort(compareFindings),
  };
}

/** Annotated tags whose message may hold a key, read while the walk runs. */
async function collectTags(engine: GitEngine, selection: Selection): Promise<AnnotatedTag[]> {
  const out: AnnotatedTag[] = [];
  for await (const tag of engine.tags(selection)) if (mayHoldStripeKey(tag.message)) out.push(tag);
  return out;
}
