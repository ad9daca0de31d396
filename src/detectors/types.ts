import type { RuleId, Severity, Vector } from "../vocabulary/index.js";

// What detectors take and give. The words in a Match (rule, severity, vector) are the
// shared vocabulary's (src/vocabulary/); only the detector-side shapes live here.

/** What a detector looks at: a path (may be a pseudo-path for messages) and its bytes. */
export interface DetectorInput {
  readonly path: string;
  readonly bytes: Uint8Array;
  /**
   * Only whether there is a match: a detector may stop at its first (a prefilter asks this
   * of every blob, and a blob of keys on end cost it seconds in one call). Ignoring it is correct.
   */
  readonly firstOnly?: boolean;
}

/**
 * One hit. `secret` is the raw value and must never leave `findings/`: sinks only
 * ever see a Finding, which has no field for it.
 */
export interface Match {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly vector: Vector;
  readonly line: number;
  readonly column: number;
  /** Raw key for key rules; null for file-level rules. */
  readonly secret: string | null;
  /** Identity of a file-level finding (a dotenv path) when there is no secret. */
  readonly identity: string | null;
  /** True when the line carries an inline `leakguard:allow`. */
  readonly allowed: boolean;
  /** Repetitions of keys in this input left out (MAX_OCCURRENCES_PER_KEY): counted, not returned. */
  readonly omitted?: number;
}

/**
 * How many places of one key one file lists, so that a hostile file of one key repeated
 * cannot make a result unbounded: every key is returned (each needs rotating), each at
 * this many of its places; further repetitions are counted, never dropped silently.
 * Allowed (`leakguard:allow`) and plain matches are counted apart, so that allowed
 * repetitions cannot crowd out the plain use of the same key.
 */
export const MAX_OCCURRENCES_PER_KEY = 20;

export type Detector = (input: DetectorInput) => Match[];
