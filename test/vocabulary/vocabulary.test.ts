import { describe, expect, it } from "vitest";
import { isLiveKey, isStripeKey, isTestKey, RULE_IDS, ruleInfo, RULES, SEVERITIES, severitiesUpTo, severityAtLeast, severityRank, VECTORS } from "../../src/vocabulary/index.js";

// The shared words, and the questions answered from them rather than from spellings of
// rule ids: which rules are live keys, test keys, Stripe's; how severities order.

describe("severities", () => {
  it("are ordered worst first, and the rank follows the order", () => {
    expect(SEVERITIES).toEqual(["critical", "high", "medium", "low"]);
    expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3]);
  });

  it("meet a threshold when they are that bad or worse", () => {
    expect(SEVERITIES.filter((s) => severityAtLeast(s, "high"))).toEqual(["critical", "high"]);
    expect(SEVERITIES.filter((s) => severityAtLeast(s, "low"))).toEqual(SEVERITIES);
    expect(SEVERITIES.filter((s) => severityAtLeast(s, "critical"))).toEqual(["critical"]);
  });

  it("up to a severity are that one and every milder one", () => {
    expect(severitiesUpTo("high")).toEqual(["high", "medium", "low"]);
    expect(severitiesUpTo("low")).toEqual(["low"]);
    expect(severitiesUpTo("critical")).toEqual(SEVERITIES);
  });
});

describe("rules", () => {
  it("say which are live keys, test keys and Stripe's", () => {
    expect(RULE_IDS.filter(isLiveKey)).toEqual(["stripe-live-secret-key", "stripe-live-restricted-key", "generic-live-secret-key"]);
    expect(RULE_IDS.filter(isTestKey)).toEqual(["stripe-test-secret-key", "stripe-test-restricted-key"]);
    expect(RULE_IDS.filter(isStripeKey)).toEqual(["stripe-live-secret-key", "stripe-live-restricted-key", "stripe-test-secret-key", "stripe-test-restricted-key"]);
  });

  it("rate every live key at least high, so a threshold of high or lower always fails on one", () => {
    for (const r of RULE_IDS.filter(isLiveKey)) expect(severityAtLeast(RULES[r].severity, "high"), r).toBe(true);
  });

  it("know nothing of names that are not rules, including the object's own keys", () => {
    for (const name of ["toString", "__proto__", "constructor", "hasOwnProperty", "stripe-live-other", ""]) {
      expect(ruleInfo(name), name).toBeUndefined();
      expect([isLiveKey(name), isTestKey(name), isStripeKey(name)], name).toEqual([false, false, false]);
    }
  });

  it("give a dotenv file no mode and no issuer: it is a file, not a key", () => {
    expect(RULES["dotenv-file"]).toMatchObject({ kind: "dotenv-file", mode: null, issuer: null });
  });
});

describe("vectors", () => {
  it("are the ways a key gets into a repository that the advice covers", () => {
    expect(VECTORS).toEqual(["dotenv", "frontend-env", "laravel", "cms-config", "mobile-app", "bundle", "source"]);
  });
});
