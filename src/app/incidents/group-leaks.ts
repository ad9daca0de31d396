import type { Severity } from "../../vocabulary/index.js";
import { severityAtLeast } from "../../vocabulary/index.js";
import type { Finding } from "../../findings/finding.js";

// Findings -> one leak per fingerprint (one issue per key, however many commits carry it).
// A dotenv file that holds a key is told inside the key's incident, not in a second one.

export function groupLeaks(findings: readonly Finding[], failOn: Severity): Finding[] {
  const blobsWithKeys = new Set(findings.filter((f) => f.redacted !== null && f.blob).map((f) => f.blob));
  const byFingerprint = new Map<string, Finding>();
  for (const f of findings) {
    if (!severityAtLeast(f.severity, failOn)) continue;
    if (f.rule === "dotenv-file" && blobsWithKeys.has(f.blob)) continue;
    const seen = byFingerprint.get(f.fingerprint);
    // Keep the oldest sighting: that is where the leak started.
    if (!seen || (f.date ?? "") < (seen.date ?? "")) byFingerprint.set(f.fingerprint, f);
  }
  return [...byFingerprint.values()];
}

export function isKeyLeak(f: { rule: string }): boolean {
  return f.rule !== "dotenv-file";
}
