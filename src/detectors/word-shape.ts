// A key body written as English words (`sk_live_` + `ThisIsNotARealLiveKey`) is
// documentation, not a key: a real body is random base62 (issue 10 item 7). "Written as
// words" is kept strict enough that a random body almost never passes, and it is a
// small automaton so that the odds can be computed exactly, from this very code, by a
// dynamic programme over its states (test/detectors/key-precision.test.ts does that).
//
// A word-shaped body is letters only, made of capitalised words (`Your`, `Key`) and the
// one-letter words `A` and `I`; a two-letter word must be an English one (`Is`, `My`),
// a longer word needs a vowel (a e i o u), and no four consonants follow each other
// inside a word (`y` breaks a run). Odds that a uniformly random base62 body passes
// (exact, from the automaton): length 20: 7.4e-7, 21: 3.9e-7, 24: 6.0e-8, 30: 1.4e-9,
// 99: 2.4e-28, and lower with every character. The bulk of it: a body with no digit is
// already (52/62)^24 = 1.5e-2; each character then has to fit the word pattern, a
// lowercase letter (26/62) inside a word or a capital after a finished one.
//
// In a documentation URL (`https://docs.stripe.com/keys/` + the body) the first word may
// be lowercase too (`yourLiveSecretKeyHere`). That doubles the odds: length 20: 1.4e-6,
// 21: 7.6e-7, 24: 1.2e-7, 99: 4.6e-28; so it is applied from 21 characters on.

export interface WordShapeRules {
  /** The first word may start in lowercase (`yourStripeSecretKey`). */
  readonly lowerFirst: boolean;
}

export const STRICT_WORDS: WordShapeRules = { lowerFirst: false };
export const DOCS_URL_WORDS: WordShapeRules = { lowerFirst: true };

// State, packed in one integer so that the odds can be computed over every state: bits
// 0-1 where we are, 2 the word has a vowel, 3 its capital is A or I (a word alone), 4-5
// consonants in a row in this word, 8-9 the word's length (1, 2, 3 or more), 10 a
// two-letter word is an English one, 11-15 the word's first letter.
const START = 0;
const CAPITAL = 1;
const LOWER = 2;
export const REJECT = -1;
const MAX_CONSONANTS = 3;

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const VOWELS = new Set([..."aeiouAEIOU"].map((ch) => ch.charCodeAt(0)));
/** `y` breaks a run of consonants (`Rhythm`) but is not the vowel a word needs. */
const Y = new Set([..."yY"].map((ch) => ch.charCodeAt(0)));
const ALONE = new Set([..."AI"].map((ch) => ch.charCodeAt(0)));
/** Random text is full of two-letter "words" (`Qe`, `Xa`); English has few. */
const TWO_LETTER = new Set("am an as at be by do go he id if in is it me my no of oh ok on or so to up us we".split(" "));

interface Fields {
  where: number;
  vowel: boolean;
  alone: boolean;
  run: number;
  len: number;
  pairOk: boolean;
  first: number;
}
const pack = (f: Fields) => f.where | (f.vowel ? 4 : 0) | (f.alone ? 8 : 0) | (f.run << 4) | (f.len << 8) | (f.pairOk ? 1024 : 0) | (f.first << 11);
const unpack = (s: number): Fields => ({
  where: s & 3,
  vowel: (s & 4) !== 0,
  alone: (s & 8) !== 0,
  run: (s >> 4) & 3,
  len: (s >> 8) & 3,
  pairOk: (s & 1024) !== 0,
  first: s >> 11,
});
const NONE: Fields = { where: START, vowel: false, alone: false, run: 0, len: 0, pairOk: false, first: 0 };
const letterIndex = (c: number) => (c | 32) - 97;

export const WORD_START = pack(NONE);

function wordDone(f: Fields): boolean {
  if (f.where === CAPITAL) return f.alone;
  // Two-letter words are checked against the list (`My` has no vowel but is English).
  return f.where === LOWER && (f.len === 2 ? f.pairOk : f.len === 3 && f.vowel);
}

/** One character through the automaton: the next state, or REJECT. */
export function wordShapeStep(state: number, code: number, rules: WordShapeRules): number {
  if (!isUpper(code) && !isLower(code)) return REJECT; // a digit: random, not prose
  const f = unpack(state);
  const v = VOWELS.has(code);
  const breaksRun = v || Y.has(code);
  if (isUpper(code) || f.where === START) {
    if (isUpper(code) ? f.where !== START && !wordDone(f) : !rules.lowerFirst) return REJECT;
    // A new word starts its own consonant count: `YourStripe` is English.
    return pack({ ...NONE, where: isUpper(code) ? CAPITAL : LOWER, vowel: v, alone: ALONE.has(code), run: breaksRun ? 0 : 1, len: 1, first: letterIndex(code) });
  }
  const run = breaksRun ? 0 : f.run + 1;
  if (run > MAX_CONSONANTS) return REJECT;
  const len = Math.min(f.len + 1, 3);
  const pairOk = len === 2 && TWO_LETTER.has(String.fromCharCode(97 + f.first, code));
  return pack({ ...NONE, where: LOWER, vowel: f.vowel || v, run, len, pairOk, first: len === 2 ? f.first : 0 });
}

/** Whether a body that ends in `state` is a whole word-shaped body. */
export function wordShapeAccepts(state: number): boolean {
  if (state === REJECT) return false;
  const f = unpack(state);
  return wordDone(f);
}

/** Prose placeholders are short; a longer run is left to be reported (and a hostile megabyte body costs nothing here). */
const MAX_PROSE = 256;

export function isWordShaped(body: string, rules: WordShapeRules = STRICT_WORDS): boolean {
  if (body.length > MAX_PROSE) return false;
  let state = WORD_START;
  for (let i = 0; i < body.length && state !== REJECT; i++) state = wordShapeStep(state, body.charCodeAt(i), rules);
  return wordShapeAccepts(state);
}
