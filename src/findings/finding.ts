import type { RuleId, Severity, Vector } from "../detectors/types.js";

/**
 * The one type every sink receives (JSON contract v1 in DESIGN.md). It has no field
 * for the raw secret: only the redacted form and a one-way fingerprint.
 */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  path: string;
  line: number;
  column: number;
  /** null for working-tree findings. */
  commit: string | null;
  blob: string | null;
  author: string | null;
  date: string | null;
  fingerprint: string;
  /** `sk_live_…wxyz` for keys; null for a dotenv file with no key in it. */
  redacted: string | null;
  vector: Vector;
  /** Where the match sits: a file's content, a commit message or an annotated tag message. */
  source: "file" | "commit-message" | "tag-message";
}

export interface ScanStats {
  commits: number;
  blobs: number;
  bytes: number;
  ms: number;
  /** Gitlinks (submodule entries) seen and skipped. */
  submodules: number;
  /** Findings dropped by inline `leakguard:allow` or the baseline. */
  suppressed: number;
  /** Blobs or files that could not be read; the scan logged and went on. */
  unreadable: number;
  /**
   * True when part of the selection was not scanned: a shallow repository (history before
   * the graft is a known limit, reported, exit code unchanged), or anything `incomplete`.
   */
  partial: boolean;
  /**
   * True when an object the selection names could not be read (a blobless partial clone,
   * a missing object): the result is incomplete, never clean; the CLI exits 2.
   */
  incomplete: boolean;
  /** The ids of the objects that could not be read, sorted. */
  unreadObjects: string[];
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
}
