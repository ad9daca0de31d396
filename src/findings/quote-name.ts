// A name from the repository (path, ref, author, tag) shown to a person. Quoted the way
// git quotes paths (quote.c, core.quotePath=false): a name with a control character, `"`
// or `\` is shown in double quotes with C escapes (\n, \t, \033...). Printable non-ASCII
// passes as it is. Beyond git we also escape C1 controls (U+0080-U+009F: U+009B is a
// CSI on some terminals) and the bidirectional-override characters (CVE-2021-42574,
// "Trojan Source"), as their UTF-8 bytes in octal, so that a name can neither drive the
// terminal nor reorder what the reader sees.

const NAMES: Record<string, string> = { "\x07": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", '"': '"', "\\": "\\" };

/** Characters that force quoting; one linear regex test, no backtracking. */
const NEEDS_QUOTING = /[\x00-\x1f"\\\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function octal(c: string): string {
  let out = "";
  for (const byte of Buffer.from(c, "utf8")) out += "\\" + byte.toString(8).padStart(3, "0");
  return out;
}

/** `a\x1b[31m.js` -> `"a\033[31m.js"`; a name needing no quotes is returned as it is. */
export function quoteName(name: string): string {
  if (!NEEDS_QUOTING.test(name)) return name;
  let out = '"';
  for (const c of name) {
    const named = NAMES[c];
    if (named) out += "\\" + named;
    else if (NEEDS_QUOTING.test(c)) out += octal(c);
    else out += c;
  }
  return out + '"';
}
