import type { ScanResult } from "../findings/finding.js";
import type { ReportContext } from "./report-context.js";
import { redactAll } from "../findings/redact.js";

/**
 * The JSON contract of DESIGN.md, version 1. Fields may be added, never renamed:
 * `suppressed` lists what leakguard:allow or the baseline held back and `unread`
 * what could not be read (issue 8). Every
 * string is redacted on the way out, whatever field it sits in.
 */
export function formatJson(result: ScanResult, _ctx: ReportContext): string {
  const doc = { version: 1, stats: result.stats, findings: result.findings, suppressed: result.suppressed ?? [], unread: result.unread ?? [] };
  return JSON.stringify(doc, (_k, v: unknown) => (typeof v === "string" ? redactAll(v) : v), 2) + "\n";
}
