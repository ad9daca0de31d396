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
