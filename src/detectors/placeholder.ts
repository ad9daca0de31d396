// Documentation, templates and tutorials are full of key-shaped text that is not a key.
// A real key body is random base62: mixed case, digits, many distinct characters. Each
// test below rejects a shape that a random body of 20+ characters almost never has
// (odds noted beside it), so no real key is lost to it.

// Words of five letters or more: even case-insensitive, one turns up in a random
// 99-character body with odds below 4e-6.
const PLACEHOLDER_WORDS = /(?:example|sample|dummy|placeholder|redacted|changeme|insert|replace|secretkey|yourkey|testkey|livekey)/i;
const SEQUENCES = ["0123456789", "123456789", "abcdefgh", "ABCDEFGH", "qwerty"];

export function isPlaceholder(body: string): boolean {
  // Random 24 chars from 62 average ~17 distinct; fewer than 10 is about 1e-6.
  if (new Set(body).size < 10) return true;
  // One case of letters and no digit: (26/62)^24 ~ 1e-9 for a real key.
  if (/^[a-z]+$/.test(body) || /^[A-Z]+$/.test(body)) return true;
  // A run of 5 equal characters: ~24 * 62^-4 ~ 2e-6.
  if (/(.)\1{4}/.test(body)) return true;
  if (PLACEHOLDER_WORDS.test(body)) return true;
  return SEQUENCES.some((s) => body.includes(s));
}
