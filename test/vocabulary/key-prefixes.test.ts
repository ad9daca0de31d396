import { describe, expect, it } from "vitest";
import { isStripeKey, KEY_KINDS, KEY_MARKERS, KEY_MODES, KEY_PREFIX_SOURCE, KEY_PREFIXES, RULE_IDS, RULES, stripeRuleOf } from "../../src/vocabulary/index.js";

// The one spelling of the key prefixes, from which the detectors, the encoded views,
// redaction and scrub build their patterns and needles.

describe("key prefixes", () => {
  it("are each kind in each mode, secret keys first", () => {
    expect(KEY_PREFIXES).toEqual(["sk_live_", "sk_test_", "rk_live_", "rk_test_"]);
  });

  it("all end in a marker: the prefix past its first letter", () => {
    expect([...new Set(KEY_PREFIXES.map((p) => p.slice(1)))]).toEqual(KEY_MARKERS);
  });

  it("as a pattern, match every prefix and nothing else shaped like one", () => {
    const whole = new RegExp(`^${KEY_PREFIX_SOURCE}$`);
    for (const p of KEY_PREFIXES) expect(whole.test(p), p).toBe(true);
    for (const p of ["pk_live_", "sk_prod_", "ak_live_", "sk_live", "sk-live_", "SK_LIVE_"]) expect(whole.test(p), p).toBe(false);
  });
});

describe("the Stripe rule of a prefix", () => {
  it("is the rule of that kind and mode, one prefix per Stripe rule", () => {
    const named = KEY_KINDS.flatMap((k) => KEY_MODES.map((m) => stripeRuleOf(k, m)));
    expect(named).toEqual(["stripe-live-secret-key", "stripe-test-secret-key", "stripe-live-restricted-key", "stripe-test-restricted-key"]);
    expect([...named].sort()).toEqual(RULE_IDS.filter(isStripeKey).sort());
    for (const [i, rule] of named.entries()) expect(RULES[rule!].mode).toBe(KEY_MODES[i % 2]);
  });

  it("is none for any other prefix, including names an object inherits", () => {
    for (const [k, m] of [["pk", "live"], ["sk", "prod"], ["constructor", ""], ["__proto__", ""], ["toString", "x"]] as const) expect(stripeRuleOf(k, m), `${k}_${m}`).toBeUndefined();
  });
});
