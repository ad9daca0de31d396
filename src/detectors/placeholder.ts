// Documentation, templates and tutorials are full of key-shaped text that is not a key.
// A real key body is random base62: mixed case, digits, many distinct characters. Each
// test below rejects a shape that a random body almost never has, so no real key is
// lost to it. Odds are for a uniformly random body of n characters, at n = 24 (the
// classic key, and the shortest issued) and n = 99 (current keys); each is below 1e-6
// for every length from the pattern's minimum of 20 up to 300 (the word and run rules
// grow with n: dummy at n = 300 is 9.7e-7) (issue 10 item 7). The test
// test/detectors/key-precision.test.ts runs every rule over 100,000 random bodies.

/**
 * Placeholder words, in the case forms people write them (lower, UPPER, Capitalised,
 * CamelCase): `dummy` or `DUMMY` in a random body is 3 forms x (n-4) places x 62^-5,
 * 6.5e-8 at n = 24 and 3.1e-7 at n = 99. The same words matched case-insensitively would
 * be (n-4) x 31^-5 = 3.3e-6 at n = 99, over the bound: hence the forms.
 * Six letters (`sample`, `insert`): 2 x 3 x 94 x 62^-6 = 1.0e-8; seven and more, less.
 */
const WORDS = ["Example", "Sample", "Dummy", "Placeholder", "Redacted", "ChangeMe", "Insert", "Replace", "SecretKey", "YourKey", "TestKey", "LiveKey"];
const forms = (w: string) => [w, w.toLowerCase(), w.toUpperCase(), w[0] + w.slice(1).toLowerCase()];
const PLACEHOLDER_WORDS = new RegExp([...new Set(WORDS.flatMap(forms))].join("|"));

/**
 * Keyboard and counting runs. The shortest, `qwerty`, is (n-5) x 62^-6 = 1.7e-9 at
 * n = 99; eight letters, 2 x 92 x 62^-8 = 8.5e-13; the digit runs less still.
 */
const SEQUENCES = ["0123456789", "123456789", "abcdefgh", "ABCDEFGH", "qwerty"];

/** Six equal characters in a row: (n-5) x 62^-5 = 2.1e-8 at n = 24, 1.0e-7 at n = 99. */
const REPEAT = /(.)\1{5}/;

/** Whether `body` (base62, so ASCII) has at least `n` distinct characters; stops as soon as it has. */
function hasDistinct(body: string, n: number): boolean {
  const seen = new Uint8Array(128);
  let distinct = 0;
  for (let i = 0; i < body.length && distinct < n; i++) {
    const c = body.charCodeAt(i) & 127;
    if (!seen[c]) {
      seen[c] = 1;
      distinct++;
    }
  }
  return distinct >= n;
}

/** Each rejection, named, with its odds for a random body beside it (tested one by one). */
export const PLACEHOLDER_CHECKS: readonly { readonly name: string; readonly rejects: (body: string) => boolean }[] = [
  // Fewer than 10 distinct characters (exact, by counting distinct draws): n = 20:
  // 1.3e-7, n = 24: 8.6e-11, n = 99: 2e-73. A random 24-character body has ~17.
  { name: "fewer than 10 distinct characters", rejects: (b) => !hasDistinct(b, 10) },
  // One case of letters and no digit: 2 x (26/62)^n, 5.7e-8 at n = 20, 1.8e-9 at n = 24.
  { name: "one case of letters, no digit", rejects: (b) => /^[a-z]+$/.test(b) || /^[A-Z]+$/.test(b) },
  { name: "six equal characters in a row", rejects: (b) => REPEAT.test(b) },
  { name: "a placeholder word", rejects: (b) => PLACEHOLDER_WORDS.test(b) },
  { name: "a keyboard or counting run", rejects: (b) => SEQUENCES.some((s) => b.includes(s)) },
];

export function isPlaceholder(body: string): boolean {
  return PLACEHOLDER_CHECKS.some((c) => c.rejects(body));
}

// Another provider's lowercase-hex secret (Paystack's `sk_live_` + 40 hex digits) draws
// from 16 characters, not 62: the base62 rules above would cost it far more than 1e-6
// (six equal in a row is 35 x 16^-5 = 3.3e-5 at n = 40, and a 20-digit body has fewer
// than 10 distinct digits one time in ten). So a hex body has rules of its own, with odds
// for a uniformly random hex body, below 1e-6 for every length from 20 to 300.

/** Nine equal digits in a row: (n-8) x 16^-8 = 7.5e-9 at n = 40, 6.8e-8 at n = 300. */
const HEX_REPEAT = /(.)\1{8}/;

/** Each rejection of a lowercase-hex body, named as PLACEHOLDER_CHECKS are. */
export const HEX_PLACEHOLDER_CHECKS: readonly { readonly name: string; readonly rejects: (body: string) => boolean }[] = [
  // Fewer than 6 distinct digits: at most C(16,5) x (5/16)^n, 3.5e-7 at n = 20, 2.7e-17 at n = 40.
  { name: "hex: fewer than 6 distinct digits", rejects: (b) => !hasDistinct(b, 6) },
  { name: "hex: nine equal digits in a row", rejects: (b) => HEX_REPEAT.test(b) },
  // Eight-digit counting runs: (n-7) x 16^-8 each.
  { name: "hex: a counting run", rejects: (b) => b.includes("01234567") || b.includes("abcdef01") },
];

export function isHexPlaceholder(body: string): boolean {
  return HEX_PLACEHOLDER_CHECKS.some((c) => c.rejects(body));
}
