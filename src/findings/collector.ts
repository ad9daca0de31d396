import type { Detector, Match } from "../detectors/types.js";
import type { Finding, ScanStats } from "./finding.js";
import type { MatchContext } from "./to-finding.js";
import { toFinding } from "./to-finding.js";

/** Where a window of a big blob starts (see WINDOW_BYTES in scan-history.ts). */
export interface WindowAt {
  offset: number;
  /** 1-based line number of the window's first byte. */
  line: number;
  /** Leading bytes the previous window already held whole (a hard cut), else 0. */
  lead: number;
}

/**
 * Runs detectors over one input and keeps what survives suppression. Shared by the
 * history and working-tree scans so that both apply `leakguard:allow` and the baseline
 * the same way. A window of a big blob reports lines of the whole blob; a match that
 * starts in the part it repeats from the previous window was reported there.
 */
export function createCollector(detectors: readonly Detector[], baseline: ReadonlySet<string>, stats: ScanStats) {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  return {
    findings,
    run(path: string, bytes: Uint8Array, ctx: MatchContext, only?: (rule: string) => boolean, at: WindowAt | null = null) {
      for (const detect of detectors) {
        for (const raw of detect({ path, bytes })) {
          if (only && !only(raw.rule)) continue;
          const m = at ? placeInBlob(raw, bytes, at) : raw;
          if (!m) continue;
          const f = toFinding(m, ctx);
          const key = `${f.blob}:${f.commit}:${f.rule}:${f.fingerprint}:${f.line}:${f.column}:${f.source}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (m.allowed || baseline.has(f.fingerprint)) {
            stats.suppressed++;
            continue;
          }
          findings.push(f);
        }
      }
    },
  };
}

/** A window's match in the blob's own lines; null when the previous window reported it (or, for a file rule, the first). */
function placeInBlob(m: Match, bytes: Uint8Array, at: WindowAt): Match | null {
  if (m.secret === null) return at.offset === 0 ? m : null; // a file-level finding: once, from the first window
  if (at.lead > 0 && m.line === 1) {
    // A hard cut leaves no line break in the lead: the match's byte offset is its column's.
    const prefix = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, at.lead + 4 * m.column)).toString("utf8").slice(0, m.column - 1);
    if (Buffer.byteLength(prefix) < at.lead) return null;
  }
  return { ...m, line: m.line + at.line - 1 };
}

export function emptyStats(): ScanStats {
  return { commits: 0, blobs: 0, bytes: 0, ms: 0, submodules: 0, suppressed: 0, unreadable: 0, partial: false, incomplete: false, unreadObjects: [] };
}
