// Keys written with escapes: JSON `\u005f` (`sk\u005flive\u005f…`), JavaScript `\x5f`,
// and percent-encoding `%5F` in a URL or form body. The escapes of key characters are
// decoded (and only those: every other byte keeps its place), the key is found in the
// decoded text, and its whole escaped span in the original is replaced by
// `***REMOVED***`, which needs no escaping in any of the three, so the file stays valid.

/** An escaped `_`: every key has two, so a file without one cannot hold an escaped key's prefix. */
const UNDERSCORES = ["\\u005f", "\\u005F", "\\x5f", "\\x5F", "%5f", "%5F"].map((s) => Buffer.from(s));

export function mayHoldEscapedKey(bytes: Buffer): boolean {
  return UNDERSCORES.some((u) => bytes.indexOf(u) !== -1);
}

const ESCAPE = /\\u00([0-9A-Fa-f]{2})|\\x([0-9A-Fa-f]{2})|%([0-9A-Fa-f]{2})/g;
const KEY_CHAR = /^[A-Za-z0-9_]$/;

/**
 * The text with the escapes of key characters (letters, digits, `_`) decoded, and for
 * each decoded character the [start, end) of what it came from in the original.
 */
function decode(text: string): { decoded: string; start: Int32Array; end: Int32Array } {
  const chars: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let at = 0;
  const plain = (to: number) => {
    for (; at < to; at++) {
      chars.push(text[at]!);
      start.push(at);
      end.push(at + 1);
    }
  };
  for (const m of text.matchAll(ESCAPE)) {
    const c = String.fromCharCode(parseInt(m[1] ?? m[2] ?? m[3]!, 16));
    if (!KEY_CHAR.test(c)) continue; // `\u0022` stays: the detector's left guard reads it as it is
    plain(m.index);
    chars.push(c);
    start.push(m.index);
    end.push(m.index + m[0].length);
    at = m.index + m[0].length;
  }
  plain(text.length);
  return { decoded: chars.join(""), start: Int32Array.from(start), end: Int32Array.from(end) };
}

/**
 * Replaces every key that appears with escaped characters. `find` returns the keys in
 * decoded text (the same detector as plain text); each occurrence's original span goes.
 * Linear: one decode, one search per key found.
 */
export function replaceInEscapes(bytes: Buffer, find: (decoded: Buffer) => string[], replacement: Buffer): { bytes: Buffer; secrets: string[] } | null {
  if (!mayHoldEscapedKey(bytes)) return null;
  const text = bytes.toString("latin1");
  const { decoded, start, end } = decode(text);
  const secrets = find(Buffer.from(decoded, "latin1"));
  if (secrets.length === 0) return null;
  const spans: Array<[number, number]> = [];
  for (const s of secrets) {
    for (let i = decoded.indexOf(s); i !== -1; i = decoded.indexOf(s, i + s.length)) spans.push([start[i]!, end[i + s.length - 1]!]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const parts: Buffer[] = [];
  let at = 0;
  for (const [from, to] of spans) {
    if (from < at) continue; // inside a span already replaced (a shorter key within a longer one)
    parts.push(bytes.subarray(at, from), replacement);
    at = to;
  }
  parts.push(bytes.subarray(at));
  return { bytes: Buffer.concat(parts), secrets };
}
