import type { Detector } from "../detectors/types.js";
import { DETECTORS } from "../detectors/index.js";
import { workingTreeFiles } from "../objects/working-tree.js";
import type { TreeEntry } from "../objects/working-tree.js";
import type { ScanResult } from "./finding.js";
import { collectWithViews, createCollector, emptyStats } from "./collector.js";
import { compareFindings } from "./to-finding.js";
import { detectKeysInPath } from "./detect-keys-in-path.js";

export interface TreeScanOptions {
  root: string;
  detectors?: readonly Detector[];
  baseline?: ReadonlySet<string>;
  env?: NodeJS.ProcessEnv;
  /** Another source of files than the disk under `root` (the index, for `scan --staged`). */
  files?: AsyncIterable<TreeEntry & { blob?: string }>;
}

const EMPTY = Buffer.alloc(0);

/**
 * Scans files on disk; findings carry no commit. A file that cannot be read is counted
 * and named (the result is then incomplete) and is still judged by its path: an
 * unreadable tracked `.env` is a committed `.env`.
 */
export async function scanTree(opts: TreeScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const stats = emptyStats();
  stats.skipped = 0;
  const baseline = opts.baseline ?? new Set<string>();
  const collector = createCollector(opts.detectors ?? DETECTORS, baseline, stats);
  const names = createCollector([detectKeysInPath], baseline, stats);
  const unread: NonNullable<ScanResult["unread"]> = [];
  const files: AsyncIterable<TreeEntry & { blob?: string }> = opts.files ?? workingTreeFiles(opts.root, opts.env);
  for await (const entry of files) {
    const ctx = { path: entry.path, commit: null, blob: entry.blob ?? null } as const;
    if (entry.type === "skipped" && entry.kind === "deleted") continue;
    names.run(entry.path, EMPTY, { ...ctx, source: "path" });
    if (entry.type === "gitlink") {
      stats.submodules++;
      continue;
    }
    if (entry.type === "skipped") {
      stats.skipped++;
      continue;
    }
    if (entry.type === "unreadable") {
      stats.unreadable++;
      unread.push({ path: entry.path, reason: entry.reason });
      collector.run(entry.path, EMPTY, { ...ctx, source: "file" });
      continue;
    }
    stats.blobs++;
    stats.bytes += entry.bytes.length;
    // Archive members and encoded keys too; an archive over a limit is named, not passed.
    const why = await collectWithViews(collector, entry.path, entry.bytes, { ...ctx, source: "file" });
    if (why) {
      stats.unreadable++;
      unread.push({ path: entry.path, reason: `not fully scanned: ${why}` });
    }
  }
  stats.ms = Math.round(performance.now() - started);
  return {
    findings: [...collector.findings, ...names.findings].sort(compareFindings),
    stats,
    suppressed: [...collector.suppressed, ...names.suppressed].sort(compareFindings),
    unread,
  };
}
