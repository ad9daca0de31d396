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
/** Runs of key characters and escapes: only those holding an escaped `_` are decoded. */
const SEGMENT = /(?:[A-Za-z0-9_]|\\u00[0-9A-Fa-f]{2}|\\x[0-9A-Fa-f]{2}|%[0-9A-Fa-f]{2})+/g;
const ESCAPED_UNDERSCORE = /\\u005[fF]|\\x5[fF]|%5[fF]/;
/**
 * A segment longer than this is not decoded: the offset map costs 8 bytes a character,
 * and a "key" of a million characters is no key Stripe or anyone issues.
 */
export const MAX_SEGMENT = 1 << 20;
/** The detector's longest left-guard lookbehind (`\u0022`). */
const LOOKBEHIND = 6;

/**
 * A segment with the escapes of key characters (letters, digits, `_`) decoded, and for
 * each decoded character the [start, end) of what it came from in the segment. Other
 * escapes (`\u0022`) stay as written: the detector's left guard reads them as they are.
 */
function decode(text: string): { decoded: string; start: Int32Array; end: Int32Array } {
  const start = new Int32Array(text.length);
  const end = new Int32Array(text.length);
  let decoded = "";
  let n = 0;
  let at = 0;
  const plain = (to: number) => {
    decoded += text.slice(at, to);
    for (; at < to; at++, n++) {
      start[n] = at;
      end[n] = at + 1;
    }
  };
  for (const m of text.matchAll(ESCAPE)) {
    const c = String.fromCharCode(parseInt(m[1] ?? m[2] ?? m[3]!, 16));
    if (!KEY_CHAR.test(c)) continue;
    plain(m.index);
    decoded += c;
    start[n] = m.index;
    end[n] = m.index + m[0].length;
    n++;
    at = m.index + m[0].length;
  }
  plain(text.length);
  return { decoded, start, end };
}

/**
 * Replaces every key that appears with escaped characters. `find` returns the keys in
 * decoded text (the same detector as plain text); each occurrence's original span goes.
 * Linear: one pass for segments, and only a segment holding an escaped `_` is decoded.
 */
export function replaceInEscapes(bytes: Buffer, find: (decoded: Buffer) => string[], replacement: Buffer): { bytes: Buffer; secrets: string[] } | null {
  if (!mayHoldEscapedKey(bytes)) return null;
  const text = bytes.toString("latin1");
  const spans: Array<[number, number]> = [];
  const secrets = new Set<string>();
  for (const seg of text.matchAll(SEGMENT)) {
    if (seg[0].length > MAX_SEGMENT || !ESCAPED_UNDERSCORE.test(seg[0])) continue;
    // The few characters before it go along: the left guard lets a key follow `\n` or `%3D`.
    const base = Math.max(0, seg.index - LOOKBEHIND);
    const { decoded, start, end } = decode(text.slice(base, seg.index + seg[0].length));
    for (const s of find(Buffer.from(decoded, "latin1"))) {
      secrets.add(s);
      for (let i = decoded.indexOf(s); i !== -1; i = decoded.indexOf(s, i + s.length)) spans.push([base + start[i]!, base + end[i + s.length - 1]!]);
    }
  }
  if (spans.length === 0) return null;
  spans.sort((a, b) => a[0] - b[0]);
  const parts: Buffer[] = [];
  let at = 0;
  for (const [from, to] of spans) {
    if (from < at) continue; // inside a span already replaced (a shorter key within a longer one)
    parts.push(bytes.subarray(at, from), replacement);
    at = to;
  }
  parts.push(bytes.subarray(at));
  return { bytes: Buffer.concat(parts), secrets: [...secrets] };
}
