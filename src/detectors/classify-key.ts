import type { RuleId } from "../vocabulary/index.js";
import { stripeRuleOf } from "../vocabulary/index.js";
import { isHexPlaceholder, isPlaceholder } from "./placeholder.js";
import { DOCS_URL_WORDS, isWordShaped } from "./word-shape.js";

// What a key-shaped match is: a Stripe key, another provider's live secret, or nothing
// (a placeholder, prose). Decided from facts about the body (Stripe bodies are random
// base62, mixed case) and, for prose only, the documentation URL it continues; never
// from the context alone, so a real key pasted after a docs link is still reported
// (issue 10 item 7). Every rejection's odds for a random real body are noted where the
// rule lives (placeholder.ts, word-shape.ts) and here.

/**
 * Paystack's `sk_live_` + 40 lowercase hex digits (https://paystack.com/docs/api/authentication),
 * and any other provider's lowercase-hex body: not a possible Stripe key, whose body is
 * mixed-case base62. Odds that a random Stripe body is all lowercase hex: (16/62)^n,
 * 1.6e-12 at n = 20, 8e-15 at n = 24.
 */
const LOWER_HEX = /^[0-9a-f]+$/;

/** How far back a documentation URL is looked for: a URL longer than this is not one we know. */
export const DOCS_URL_LOOKBACK = 256;
/** `docs.stripe.com`, `developer.example.com`, `*.readthedocs.io`. */
const DOCS_HOST = /^(?:docs?|developers?|devdocs)\.|\.readthedocs\.io$/i;
/** `stripe.com/docs/…`, `/documentation/`, `/api-reference/`. */
const DOCS_PATH = /\/(?:docs?|documentation|api-reference|guides?)(?:\/|$)/i;
/** Characters that end a URL in text. */
const URL_END = /[\s"'<>`()[\]{}]/;

/** Whether `before` (the text just before a key) ends inside a documentation URL's path. */
export function continuesDocsUrl(before: string): boolean {
  const scheme = before.lastIndexOf("://");
  if (scheme === -1) return false;
  const rest = before.slice(scheme + 3);
  if (URL_END.test(rest)) return false; // the URL ended before the key began
  const slash = rest.indexOf("/");
  if (slash === -1) return false;
  return DOCS_HOST.test(rest.slice(0, slash)) || DOCS_PATH.test(rest.slice(slash));
}

/** Documentation prose only counts from 21 characters: word-shape.ts gives 7.6e-7 there, 1.4e-6 at 20. */
const DOCS_WORDS_MIN = 21;

/** The body rules beyond placeholder.ts, named, for the odds test; `true` means "not a Stripe key". */
export const BODY_CHECKS: readonly { readonly name: string; readonly rejects: (body: string) => boolean }[] = [
  { name: "capitalised English words", rejects: (b) => isWordShaped(b) },
  { name: "documentation prose (in a docs URL)", rejects: (b) => b.length >= DOCS_WORDS_MIN && isWordShaped(b, DOCS_URL_WORDS) },
  { name: "lowercase hex (another provider)", rejects: (b) => LOWER_HEX.test(b) },
];

/**
 * The rule a match is reported under, or null when it is not a key. `before` is up to
 * DOCS_URL_LOOKBACK characters preceding the match (the cost stays bounded per match).
 */
export function classifyKey(kind: string, mode: string, body: string, before: string): RuleId | null {
  const v = classifyKeyAlone(kind, mode, body);
  return v.docsProse && continuesDocsUrl(before) ? null : v.rule;
}

/**
 * What a key's own characters say: its rule (null: not a key), and whether it reads as
 * documentation prose, in which case the text before it decides (classifyKey). The same
 * for every occurrence of the key, so a caller may keep it for a key seen again.
 */
export function classifyKeyAlone(kind: string, mode: string, body: string): { rule: RuleId | null; docsProse: boolean } {
  // Judged by the odds of its own alphabet: base62 rules would drop one real hex secret in 30,000.
  if (LOWER_HEX.test(body)) return { rule: mode === "live" && !isHexPlaceholder(body) ? "generic-live-secret-key" : null, docsProse: false };
  if (isPlaceholder(body)) return NOT_A_KEY;
  // Capitalised English words: 6.0e-8 at n = 24 (word-shape.ts).
  if (isWordShaped(body)) return NOT_A_KEY;
  // Prose in a documentation URL may start lowercase: 1.2e-7 at n = 24, and only there.
  const docsProse = body.length >= DOCS_WORDS_MIN && isWordShaped(body, DOCS_URL_WORDS);
  return { rule: stripeRuleOf(kind, mode) ?? null, docsProse };
}

const NOT_A_KEY = { rule: null, docsProse: false } as const;
