import type { ScanResult } from "../findings/finding.js";
import type { ReportContext } from "./report-context.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

export const FORMATTERS = { text: formatText, json: formatJson, sarif: formatSarif } as const satisfies Record<
  string,
  (r: ScanResult, c: ReportContext) => string
>;
export type Format = keyof typeof FORMATTERS;
export const FORMATS = Object.keys(FORMATTERS) as Format[];
export type { ReportContext };
