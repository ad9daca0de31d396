export interface ReportContext {
  /** What was scanned: "history" of a repository, a "range", or a working "tree". */
  mode: "history" | "range" | "tree";
  target: string;
  color: boolean;
  version: string;
}
