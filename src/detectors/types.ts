// The vocabulary every later stage speaks. String-literal unions (never enums) so that
// JSON, SARIF and the app can carry the values as they are.

export const RULES = {
  "stripe-live-secret-key": { severity: "critical", title: "Stripe live secret key" },
  "stripe-live-restricted-key": { severity: "high", title: "Stripe live restricted key" },
  "stripe-test-secret-key": { severity: "medium", title: "Stripe test secret key" },
  "stripe-test-restricted-key": { severity: "low", title: "Stripe test restricted key" },
  "dotenv-file": { severity: "high", title: "Committed dotenv file" },
  // `sk_live_` with a body Stripe never issues (Paystack's 40 lowercase hex): a live
  // secret that can move money, but whose provider and rotation steps we cannot name.
  "generic-live-secret-key": { severity: "high", title: "Live secret key (not Stripe's)" },
} as const;

export type RuleId = keyof typeof RULES;
export type Severity = "critical" | "high" | "medium" | "low";
export const SEVERITY_ORDER: readonly Severity[] = ["low", "medium", "high", "critical"];

/** How the secret got where it is; drives the advice every sink gives. */
export type Vector =
  | "dotenv"
  | "frontend-env"
  | "laravel"
  | "cms-config"
  | "mobile-app"
  | "bundle"
  | "source";

/** What a detector looks at: a path (may be a pseudo-path for messages) and its bytes. */
export interface DetectorInput {
  readonly path: string;
  readonly bytes: Uint8Array;
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
}

export type Detector = (input: DetectorInput) => Match[];

export function severityAtLeast(s: Severity, min: Severity): boolean {
  return SEVERITY_ORDER.indexOf(s) >= SEVERITY_ORDER.indexOf(min);
}
