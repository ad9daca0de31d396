import type { Detector } from "../detectors/types.js";
import type { Finding, ScanStats, SuppressedFinding } from "./finding.js";
import type { MatchContext } from "./to-finding.js";
import { toFinding } from "./to-finding.js";

/**
 * Runs detectors over one input and keeps what survives suppression. Shared by the
 * history and working-tree scans so that both apply `leakguard:allow` and the baseline
 * the same way.
 */
export function createCollector(detectors: readonly Detector[], baseline: ReadonlySet<string>, stats: ScanStats) {
  const findings: Finding[] = [];
  // Kept, not dropped: the hook and the app decide whether an inline allow may hold a live key.
  const suppressed: SuppressedFinding[] = [];
  const seen = new Set<string>();
  return {
    findings,
    suppressed,
    run(path: string, bytes: Uint8Array, ctx: MatchContext, only?: (rule: string) => boolean) {
      for (const detect of detectors) {
        for (const m of detect({ path, bytes })) {
          if (only && !only(m.rule)) continue;
          const f = toFinding(m, ctx);
          const key = `${f.blob}:${f.commit}:${f.rule}:${f.fingerprint}:${f.line}:${f.column}:${f.source}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (m.allowed || baseline.has(f.fingerprint)) {
            stats.suppressed++;
            suppressed.push({ ...f, suppressedBy: baseline.has(f.fingerprint) ? "baseline" : "inline-allow" });
            continue;
          }
          findings.push(f);
        }
      }
    },
  };
}

export function emptyStats(): ScanStats {
  return { commits: 0, blobs: 0, bytes: 0, ms: 0, submodules: 0, suppressed: 0, unreadable: 0, skipped: 0, partial: false };
}
