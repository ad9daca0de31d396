import type { Detector } from "../detectors/types.js";
import { DETECTORS } from "../detectors/index.js";
import { workingTreeFiles } from "../objects/working-tree.js";
import type { TreeFile } from "../objects/working-tree.js";
import type { ScanResult } from "./finding.js";
import { createCollector, emptyStats } from "./collector.js";
import { compareFindings } from "./to-finding.js";

export interface TreeScanOptions {
  root: string;
  detectors?: readonly Detector[];
  baseline?: ReadonlySet<string>;
  /** Another source of files than the disk under `root` (the index, for `scan --staged`). */
  files?: AsyncIterable<TreeFile & { blob?: string }>;
}

/** Scans files on disk; findings carry no commit. Unreadable files are counted, not fatal. */
export async function scanTree(opts: TreeScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const stats = emptyStats();
  const collector = createCollector(opts.detectors ?? DETECTORS, opts.baseline ?? new Set(), stats);
  const files: AsyncIterable<TreeFile & { blob?: string }> = opts.files ?? workingTreeFiles(opts.root);
  for await (const file of files) {
    if (file.bytes === null) {
      stats.unreadable++;
      continue;
    }
    stats.blobs++;
    stats.bytes += file.bytes.length;
    collector.run(file.path, file.bytes, { path: file.path, commit: null, blob: file.blob ?? null, source: "file" });
  }
  stats.ms = Math.round(performance.now() - started);
  return { findings: collector.findings.sort(compareFindings), stats };
}
