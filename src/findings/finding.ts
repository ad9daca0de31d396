import type { TargetSource } from "../objects/scan-target.js";
import type { Encoding } from "../objects/views/encoded-views.js";
import type { RuleId, Severity, Vector } from "../vocabulary/index.js";

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
  /**
   * Where the match sits: a file's content, a commit message, an annotated tag message, or
   * the file's path itself (a key in a file name is committed like any content).
   */
  source: TargetSource;
  /**
   * Inside an archive: the member chain (`classes.dex`, `lib/inner.jar!app.properties`;
   * shown as `path!member`, gitleaks' notation). Absent for a file's own bytes.
   */
  member?: string;
  /** How the key was written when it was found decoded: absent for plain text. */
  encoding?: Encoding;
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
  /** Working tree: entries not read because git would not commit their content (FIFOs, devices, sockets). */
  skipped?: number;
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
  /**
   * History: introductions at further paths of a blob with findings, beyond the paths
   * reported per blob (MAX_LOCATIONS in src/objects/walk-objects.ts).
   */
  locationsOmitted?: number;
  /**
   * Places of a key in one file beyond the MAX_OCCURRENCES_PER_KEY listed (detectors/types.ts).
   * Counted, not listed, so that a file of one key repeated cannot make the result unbounded.
   */
  occurrencesOmitted?: number;
}

/** Why a finding was not reported: an inline `leakguard:allow` comment, the baseline file, or a test-mode key in a declared fixture path (.leakguard.yml). */
export type SuppressedBy = "inline-allow" | "baseline" | "test-fixture";

/** A finding kept out of `findings`, still counted and shown (issue 8: suppression is never silent). */
export interface SuppressedFinding extends Finding {
  suppressedBy: SuppressedBy;
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
  /** Every finding suppression held back; `stats.suppressed` is its length. */
  suppressed?: SuppressedFinding[];
  /** What could not be read (the scan is incomplete): a name and the reason (an errno code). */
  unread?: Array<{ path: string; reason: string }>;
}
