import type { KeyKind, KeyMode } from "./key-prefixes.js";
import type { Severity } from "./severities.js";

// The rules every stage names, each with what it is: the kind of thing found, the key's
// mode (live keys move money, test keys reach test data only; a dotenv file has none),
// who issued it, its default severity and its title. Questions such as "is this a live
// key" are answered here from these fields, never by spelling rule ids again.

export type RuleKind = "secret-key" | "restricted-key" | "dotenv-file";
export type { KeyMode };
/** `unknown`: a key in Stripe's prefix whose body Stripe never issues (another provider's). */
export type Issuer = "stripe" | "unknown";

export interface RuleInfo {
  readonly kind: RuleKind;
  /** null for a rule that finds a file, not a key. */
  readonly mode: KeyMode | null;
  readonly issuer: Issuer | null;
  readonly severity: Severity;
  readonly title: string;
}

export const RULES = {
  "stripe-live-secret-key": { kind: "secret-key", mode: "live", issuer: "stripe", severity: "critical", title: "Stripe live secret key" },
  "stripe-live-restricted-key": { kind: "restricted-key", mode: "live", issuer: "stripe", severity: "high", title: "Stripe live restricted key" },
  "stripe-test-secret-key": { kind: "secret-key", mode: "test", issuer: "stripe", severity: "medium", title: "Stripe test secret key" },
  "stripe-test-restricted-key": { kind: "restricted-key", mode: "test", issuer: "stripe", severity: "low", title: "Stripe test restricted key" },
  "dotenv-file": { kind: "dotenv-file", mode: null, issuer: null, severity: "high", title: "Committed dotenv file" },
  // `sk_live_` with a body Stripe never issues (Paystack's 40 lowercase hex): a live
  // secret that can move money, but whose provider and rotation steps we cannot name.
  "generic-live-secret-key": { kind: "secret-key", mode: "live", issuer: "unknown", severity: "high", title: "Live secret key (not Stripe's)" },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** Every rule id, in declaration order (SARIF's rule index follows it). */
export const RULE_IDS = Object.keys(RULES) as RuleId[];

/**
 * The rule's facts, or undefined for a name that is not a rule. Takes any string: rule
 * names also arrive from stored rows and from scrub's tallies.
 */
export function ruleInfo(rule: string): RuleInfo | undefined {
  return Object.hasOwn(RULES, rule) ? RULES[rule as RuleId] : undefined;
}

/** A live-mode key, whoever issued it: compromised once committed. */
export function isLiveKey(rule: string): boolean {
  return ruleInfo(rule)?.mode === "live";
}

/** A test-mode key: reaches test data only. */
export function isTestKey(rule: string): boolean {
  return ruleInfo(rule)?.mode === "test";
}

/** A key Stripe issued (live or test): Stripe's Dashboard rotates it. */
export function isStripeKey(rule: string): boolean {
  return ruleInfo(rule)?.issuer === "stripe";
}

/** What each key prefix's kind is: `sk_` a secret key, `rk_` a restricted one. */
const KIND_OF_PREFIX: Record<KeyKind, RuleKind> = { sk: "secret-key", rk: "restricted-key" };

/** `sk_live` -> stripe-live-secret-key, ...: derived from RULES, built once. */
const STRIPE_RULE_OF_PREFIX = new Map<string, RuleId>(
  RULE_IDS.flatMap((id) => {
    const r: RuleInfo = RULES[id];
    if (r.issuer !== "stripe" || r.mode === null) return [];
    return Object.entries(KIND_OF_PREFIX).filter(([, kind]) => kind === r.kind).map(([prefix]) => [`${prefix}_${r.mode}`, id] as const);
  }),
);

/** The Stripe rule of a key whose prefix has this kind (`sk`, `rk`) and mode (`live`, `test`); undefined for any other. */
export function stripeRuleOf(kind: string, mode: string): RuleId | undefined {
  return STRIPE_RULE_OF_PREFIX.get(`${kind}_${mode}`);
}
