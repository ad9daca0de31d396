// The vocabulary every stage speaks: rules, severities, vectors. A leaf: it imports
// nothing, and every folder may import it (src/architecture.ts). String-literal unions
// derived from `as const` data, never enums, so that JSON, SARIF, zod and the store carry
// the values as they are.

export { isLiveKey, isStripeKey, isTestKey, RULE_IDS, ruleInfo, RULES } from "./rules.js";
export type { Issuer, KeyMode, RuleId, RuleInfo, RuleKind } from "./rules.js";
export { SEVERITIES, severitiesUpTo, severityAtLeast, severityRank } from "./severities.js";
export type { Severity } from "./severities.js";
export { VECTORS } from "./vectors.js";
export type { Vector } from "./vectors.js";
