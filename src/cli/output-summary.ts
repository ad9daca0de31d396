import type { ScanResult } from "../findings/finding.js";
import { redactAll } from "../findings/redact.js";
import { SEVERITIES } from "../vocabulary/index.js";
import { escapeControls } from "../findings/escape-controls.js";
import { quoteName } from "../findings/quote-name.js";

/**
 * The one line a terminal still gets when the report went to a file (issue 11): how many
 * findings, of how many distinct keys or files, and where the report is. No key, and
 * the file name is redacted and quoted like every other name.
 */
export function outputSummary({ findings, stats }: ScanResult, file: string): string {
  const where = quoteName(redactAll(file));
  const incomplete = stats.incomplete || stats.unreadable > 0;
  if (findings.length === 0) {
    return escapeControls(`[leakguard] ${incomplete ? "no leaks found in what could be read (incomplete)" : "no leaks found"}; report written to ${where}`, { oneLine: true }) + "\n";
  }
  const keys = new Set(findings.map((f) => f.fingerprint)).size;
  const bySeverity = SEVERITIES
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  const what = `${findings.length} finding${findings.length === 1 ? "" : "s"} (${keys} ${keys === 1 ? "key or file" : "keys or files"}; ${bySeverity})`;
  return escapeControls(`[leakguard] ${what}${incomplete ? ", scan incomplete," : ""} written to ${where}`, { oneLine: true }) + "\n";
}
