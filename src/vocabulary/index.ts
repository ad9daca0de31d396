// The vocabulary every stage speaks: rules, key prefixes, severities, vectors. A leaf: it imports
// nothing, and every folder may import it (src/architecture.ts). String-literal unions
// derived from `as const` data, never enums, so that JSON, SARIF, zod and the store carry
// the values as they are.

export { isLiveKey, isStripeKey, isTestKey, RULE_IDS, ruleInfo, RULES, stripeRuleOf } from "./rules.js";
export type { Issuer, KeyMode, RuleId, RuleInfo, RuleKind } from "./rules.js";
export { KEY_KIND_CLASS, KEY_KIND_LETTERS, KEY_KINDS, KEY_MARKERS, KEY_MODE_ALTERNATIVES, KEY_MODES, KEY_PREFIX_SOURCE, KEY_PREFIXES } from "./key-prefixes.js";
export type { KeyKind } from "./key-prefixes.js";
export { SEVERITIES, severitiesUpTo, severityAtLeast, severityRank } from "./severities.js";
export type { Severity } from "./severities.js";
export { VECTORS } from "./vectors.js";
export type { Vector } from "./vectors.js";
