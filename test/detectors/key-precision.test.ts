import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BODY_CHECKS, classifyKey } from "../../src/detectors/classify-key.js";
import { detectStripeKeys } from "../../src/detectors/stripe-keys.js";
import { HEX_PLACEHOLDER_CHECKS, PLACEHOLDER_CHECKS } from "../../src/detectors/placeholder.js";
import { DOCS_URL_WORDS, REJECT, STRICT_WORDS, WORD_START, wordShapeAccepts, wordShapeStep, isWordShaped } from "../../src/detectors/word-shape.js";
import type { WordShapeRules } from "../../src/detectors/word-shape.js";
import { fakeKey, fakeLongKey, mulberry32, seededBase62, uniformBase62 } from "../helpers/keys.js";

// Issue 10 item 7: a body that cannot be a Stripe key is not reported as one, and no
// rule that says so costs a real key more than 1e-6.
const LIVE = "sk_" + "live_";
const TEST = "sk_" + "test_";
const DOCS = "https://docs.stripe.com/keys/";
const scan = (path: string, text: string) => detectStripeKeys({ path, bytes: Buffer.from(text) });
const hex40 = () => randomBytes(20).toString("hex");
/** 100,000 lowercase-hex bodies of `length` digits from a seeded generator: the same on every run. */
const seededHexBodies = (length: number, next: () => number) =>
  Array.from({ length: 100_000 }, () => Array.from({ length }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join(""));

describe("bodies that are not Stripe keys", () => {
  it.each([
    ["capitalised words after a docs URL", `${DOCS}${LIVE}ThisIsWhereYourLiveKeyGoes`],
    ["capitalised words in prose", `Set it to ${LIVE}PutYourLiveStripeKeyHere and restart.`],
    ["capitalised words with one-letter words", `${LIVE}ThisIsNotARealLiveStripeKey`],
    ["lowercase-first prose inside a docs URL", `${DOCS}${LIVE}yourLiveStripeKeyGoesHere`],
    ["lowercase-first prose inside a docs path", `https://stripe.com/docs/keys#${LIVE}yourOwnStripeAccountKey`],
    ["a test-mode key of another provider", `PAYSTACK_SECRET=${TEST}${hex40()}`],
  ])("%s is not reported", (_name, text) => {
    expect(scan("README.md", text)).toEqual([]);
  });

  it("lowercase-first prose outside a docs URL is still reported (only the docs URL makes it prose)", () => {
    expect(scan("config.py", `KEY = "${LIVE}yourLiveStripeKeyGoesHere"`).map((m) => m.rule)).toEqual(["stripe-live-secret-key"]);
  });

  it("the same prose is judged at each place: after a docs URL it is not reported, later alone in code it is, and the other way round", () => {
    const prose = `${LIVE}yourLiveStripeKeyGoesHere`;
    const lines = (first: string, second: string) => scan("README.md", `${first}\n${second}\n`).map((m) => m.line);
    expect(lines(`${DOCS}${prose}`, `KEY = "${prose}"`)).toEqual([2]);
    expect(lines(`KEY = "${prose}"`, `${DOCS}${prose}`)).toEqual([1]);
  });

  it("a Paystack secret key is a generic live secret, never a Stripe key", () => {
    const key = LIVE + hex40();
    const [m, ...rest] = scan(".env", `PAYSTACK_SECRET_KEY=${key}\n`);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ rule: "generic-live-secret-key", severity: "high", vector: "dotenv", secret: key });
  });

  it("a Paystack key with six equal digits in a row is still reported: a hex body is judged by hex odds", () => {
    const key = LIVE + hex40().slice(0, 30) + "999999" + "a1b2";
    expect(scan(".env", `PAYSTACK_SECRET_KEY=${key}\n`).map((m) => [m.rule, m.secret])).toEqual([["generic-live-secret-key", key]]);
  });

  it.each([
    ["all zeros", "0".repeat(40)],
    ["nine equal digits", hex40().slice(0, 31) + "f".repeat(9)],
    ["a counting run", "0123456789abcdef".repeat(3)],
  ])("a hex placeholder (%s) is not reported", (_name, body) => {
    expect(scan(".env", `PAYSTACK_SECRET_KEY=${LIVE}${body}\n`)).toEqual([]);
  });

  it("a lowercase-hex restricted-shaped key is a generic live secret too", () => {
    expect(scan("app.js", `const k = "${"rk_"}live_${hex40()}";`).map((m) => m.rule)).toEqual(["generic-live-secret-key"]);
  });
});

describe("real keys next to documentation are still Stripe keys", () => {
  it.each([
    ["right after a docs URL path", (k: string) => `${DOCS}${k}`],
    ["after a docs link in prose", (k: string) => `See ${DOCS} for details: ${k}`],
    ["in a docs URL's query", (k: string) => `https://docs.stripe.com/api?key=${k}`],
    ["in a Markdown link to the docs", (k: string) => `[rotate](https://docs.stripe.com/keys) ${k}`],
  ])("%s", (_name, wrap) => {
    for (const key of [fakeKey(), fakeLongKey()]) {
      expect(scan("README.md", wrap(key)).map((m) => [m.rule, m.secret])).toEqual([["stripe-live-secret-key", key]]);
    }
  });
});

/** Exact probability that a uniformly random base62 body of each length is word-shaped, by DP over the automaton's states. */
function wordShapeOdds(rules: WordShapeRules, lengths: readonly number[]): Map<number, number> {
  const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const out = new Map<number, number>();
  let dist = new Map<number, number>([[WORD_START, 1]]);
  for (let n = 1; n <= Math.max(...lengths); n++) {
    const next = new Map<number, number>();
    for (const [state, p] of dist) {
      for (let c = 0; c < 62; c++) {
        const to = wordShapeStep(state, B62.charCodeAt(c), rules);
        if (to !== REJECT) next.set(to, (next.get(to) ?? 0) + p / 62);
      }
    }
    dist = next;
    if (lengths.includes(n)) out.set(n, [...dist].reduce((sum, [s, p]) => sum + (wordShapeAccepts(s) ? p : 0), 0));
  }
  return out;
}

describe("the odds that a rule rejects a real key", () => {
  it("the word-shape odds are computed right: the DP agrees with counting every 3-character body", () => {
    const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (const rules of [STRICT_WORDS, DOCS_URL_WORDS]) {
      let count = 0;
      for (const a of B62) for (const b of B62) for (const c of B62) if (isWordShaped(a + b + c, rules)) count++;
      expect(wordShapeOdds(rules, [3]).get(3)).toBeCloseTo(count / 62 ** 3, 12);
    }
  });

  it("capitalised words: below 1e-6 from 20 characters on, as documented in word-shape.ts", () => {
    const odds = wordShapeOdds(STRICT_WORDS, [20, 21, 22, 23, 24, 30, 99]);
    for (const p of odds.values()) expect(p).toBeLessThan(1e-6);
    expect([20, 21, 24, 30, 99].map((n) => Number(odds.get(n)!.toPrecision(2)))).toEqual([7.4e-7, 3.9e-7, 6.0e-8, 1.4e-9, 2.4e-28]);
  });

  it("documentation prose: below 1e-6 from 21 characters on, which is why it starts there", () => {
    const odds = wordShapeOdds(DOCS_URL_WORDS, [20, 21, 22, 23, 24, 99]);
    expect(odds.get(20)).toBeGreaterThan(1e-6);
    for (const n of [21, 22, 23, 24, 99]) expect(odds.get(n)).toBeLessThan(1e-6);
    expect([20, 21, 24, 99].map((n) => Number(odds.get(n)!.toPrecision(2)))).toEqual([1.4e-6, 7.6e-7, 1.2e-7, 4.6e-28]);
  });

  it("fewer than 10 distinct characters: 1.3e-7 at 20 characters, as documented in placeholder.ts", () => {
    let dist = [1]; // dist[k]: probability of k distinct characters so far
    for (let i = 0; i < 20; i++) dist = [...dist, 0].map((_, k) => (dist[k] ?? 0) * (k / 62) + (dist[k - 1] ?? 0) * ((62 - (k - 1)) / 62));
    expect(Number(dist.slice(0, 10).reduce((a, b) => a + b).toPrecision(2))).toBe(1.3e-7);
  });

  const checks = [...PLACEHOLDER_CHECKS, ...BODY_CHECKS];
  for (const length of [24, 99]) {
    // Seeded: at odds of 3.1e-7 a body (dummy at n = 99), fresh bodies would fail 3 runs in 100.
    const next = mulberry32(length);
    const bodies = Array.from({ length: 100_000 }, () => seededBase62(length, next));
    it.each(checks.map((c) => [c.name, c]))(`"%s" rejects none of 100,000 random ${length}-character bodies`, (_name, check) => {
      expect(bodies.filter((b) => check.rejects(b))).toEqual([]);
    });

    it(`all rules together, inside a docs URL, keep every one of 100,000 random ${length}-character bodies a Stripe key`, () => {
      expect(bodies.filter((b) => classifyKey("sk", "live", b, DOCS) !== "stripe-live-secret-key")).toEqual([]);
    });
  }

  for (const length of [20, 40, 300]) {
    const next = mulberry32(1000 + length);
    const bodies = seededHexBodies(length, next);
    it.each(HEX_PLACEHOLDER_CHECKS.map((c) => [c.name, c]))(`"%s" rejects none of 100,000 random ${length}-digit hex bodies`, (_name, check) => {
      expect(bodies.filter((b) => check.rejects(b))).toEqual([]);
    });
  }

  it("the base62 rules alone would reject random hex bodies: why hex has rules of its own", () => {
    const next = mulberry32(99);
    // 20 digits: fewer than 10 distinct about one time in ten.
    const bodies = seededHexBodies(20, next);
    expect(bodies.filter((b) => PLACEHOLDER_CHECKS.some((c) => c.rejects(b))).length).toBeGreaterThan(1_000);
    expect(bodies.filter((b) => classifyKey("sk", "live", b, "") !== "generic-live-secret-key")).toEqual([]);
  });

  it.each([
    ["uniformBase62", () => uniformBase62(62_000)],
    ["the seeded bodies", () => seededBase62(62_000, mulberry32(7))],
  ])("the random bodies are really random: %s uses every character about equally", (_name, make) => {
    const counts = new Map<string, number>();
    for (const ch of make()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(200); // 6 sigma
  });
});
