import type { ScanResult } from "../findings/finding.js";
import type { ReportContext } from "./context.js";

/** The JSON contract of DESIGN.md, version 1. Fields may be added, never renamed. */
export function formatJson(result: ScanResult, _ctx: ReportContext): string {
  return JSON.stringify({ version: 1, stats: result.stats, findings: result.findings }, null, 2) + "\n";
}
