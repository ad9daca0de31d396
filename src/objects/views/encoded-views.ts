
// Keys stored encoded (issue 10 item 3): base64 (a Kubernetes Secret's `data:`, a Helm
// value, a whole `.env` as one value, an HTTP Basic header in a .har file) and escapes
// (JSON `\u005f`, JavaScript `\x5f`, percent-encoding). Each is a view of the bytes: the
// decoded text, scanned like a file, whose matches are placed back where the encoded
// form sits. Both views start from fixed strings found with Buffer.indexOf, so content
// that cannot hold an encoded key costs a few memchr-speed searches and nothing more.
import { KEY_KIND_CLASS, KEY_KIND_LETTERS, KEY_MODE_ALTERNATIVES, KEY_PREFIXES } from "../../vocabulary/index.js";

export type Encoding = "base64" | "json-escape" | "percent";

/** Line and column in the bytes a view was decoded from, or null when the match is not an encoded one. */
export type Place = (line: number, column: number, length: number) => { line: number; column: number } | null;

export interface EncodedView {
  bytes: Buffer;
  encoding: Encoding;
  place: Place;
}

/**
 * The base64 characters each key prefix fixes, at each of the three byte alignments the
 * key can have in the decoded stream, with the index of the first fixed character in its
 * 4-character group (0, 2 or 3: the characters before it also hold bits of the bytes
 * before the key). None holds `+` or `/`, so they are the same in base64url.
 */
const BASE64_FORMS = KEY_PREFIXES.flatMap((p) =>
  [0, 1, 2].map((a) => {
    const enc = Buffer.concat([Buffer.alloc(a), Buffer.from(p)]).toString("base64");
    const first = [0, 2, 3][a]!;
    return { text: Buffer.from(enc.slice(first, Math.floor(((a + p.length) * 8) / 6))), first };
  }),
);

// KEY_PREFIXES lists the sk_ forms first, then the rk_ forms in the same order: the two halves pair up.
const SK_FORMS = BASE64_FORMS.length / 2;

/**
 * The prefilter's needles: `sk_` and `rk_` forms share their `live_`/`test_` part at each
 * alignment (`bGl2ZV`, `X2xpdmVf`, `19saXZlX`, ...), so six searches stand for twelve.
 */
const BASE64_NEEDLES = BASE64_FORMS.slice(0, SK_FORMS).map((sk, i) => {
  const rk = BASE64_FORMS[i + SK_FORMS]!.text;
  let n = 0;
  while (n < sk.text.length && sk.text[sk.text.length - 1 - n] === rk[rk.length - 1 - n]) n++;
  return sk.text.subarray(sk.text.length - n);
});

/** A byte of the base64 or base64url alphabet (padding apart). */
const B64 = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") B64[c.charCodeAt(0)] = 1;
const EQ = 0x3d;
const LF = 0x0a;
const CR = 0x0d;

/**
 * For the bulk prefilter (git grep -P): every blob that can hold a base64 or escaped key
 * matches one of these two patterns. PCRE skips ahead at SIMD speed only when every
 * alternative of a pattern starts with one of at most two characters; with three it checks
 * every byte against a table, which doubled git grep's time on the 1 GB benchmark. So the
 * escaped forms start with `k` (an escaped `_` after it), to join the key pattern's own
 * `k_` in one pattern, and the base64 needles are cut to start at `f` or `X` (`fbGl2ZV`,
 * `X2xpdmVf`, `XZlX`, ...) and grouped by that character, a second pattern of its own (git
 * grep searches a blob for each `-e` in turn and keeps the blob when any matches). An
 * escaped `s`/`r` needs no alternative of its own: `k_live_` or an escaped `_` follows it.
 */
export const ESCAPED_KEY_PCRE = `k(?:\\\\u005[fF]|\\\\x5[fF]|%5[fF])(?:${KEY_MODE_ALTERNATIVES})`;
export const BASE64_KEY_PCRE = (() => {
  const byFirst = new Map<string, string[]>();
  for (const n of BASE64_NEEDLES) {
    const t = n.toString("latin1");
    const at = Math.min(...[t.indexOf("f"), t.indexOf("X")].filter((i) => i !== -1));
    const rest = byFirst.get(t[at]!) ?? [];
    rest.push(t.slice(at + 1));
    byFirst.set(t[at]!, rest);
  }
  return [...byFirst].map(([first, rest]) => `${first}(?:${rest.join("|")})`).join("|");
})();
/** Both patterns as one alternation (the same blobs match; slower in bulk, see above). */
export const ENCODED_KEY_PCRE = `${ESCAPED_KEY_PCRE}|${BASE64_KEY_PCRE}`;

/** An escaped `_`: the mark of an escaped prefix. */
const ESCAPED_UNDERSCORES = ["\\u005f", "\\u005F", "\\x5f", "\\x5F", "%5f", "%5F"].map((s) => Buffer.from(s));
/** An escaped `s` or `r` before `k`: the rest of the prefix is then plain (`k_live_`) or has an escaped `_`. */
const ESCAPED_KINDS = ["\\u00", "\\x", "%"].flatMap((esc) => KEY_KIND_LETTERS.map((c) => Buffer.from(`${esc}${c.charCodeAt(0).toString(16)}k`)));
const ESCAPE_MARKERS = [...ESCAPED_UNDERSCORES, ...ESCAPED_KINDS];

const hasBase64Prefix = (buf: Buffer) => BASE64_NEEDLES.some((n) => buf.indexOf(n) !== -1) && BASE64_FORMS.some((f) => buf.indexOf(f.text) !== -1);

/** True when the bytes may hold a key in base64 or behind an escape: only fixed-string searches. */
export function mayHoldEncodedKey(buf: Buffer): boolean {
  return hasBase64Prefix(buf) || ESCAPE_MARKERS.some((m) => buf.indexOf(m) !== -1);
}

/**
 * The same, for a streaming reader that also tests for the plain markers (`k_live_`,
 * `k_test_`): an escaped `s` or `r` is then followed by one of those or by an escaped `_`.
 * Twelve searches per piece, the fewest that keep it a superset.
 */
export function mayHoldEncodedKeyBesidesMarkers(buf: Buffer): boolean {
  return BASE64_NEEDLES.some((n) => buf.indexOf(n) !== -1) || ESCAPED_UNDERSCORES.some((m) => buf.indexOf(m) !== -1);
}

export function encodedViews(buf: Buffer): EncodedView[] {
  const views: EncodedView[] = [];
  if (hasBase64Prefix(buf)) views.push(...base64Views(buf));
  if (ESCAPE_MARKERS.some((m) => buf.indexOf(m) !== -1)) {
    const v = escapeView(buf);
    if (v) views.push(v);
  }
  return views;
}

/** A line wholly of base64 characters (and padding): a line of a wrapped block (`base64` wraps at 76). */
function pureLine(buf: Buffer, start: number, end: number): boolean {
  if (end <= start) return false;
  let i = start;
  while (i < end && B64[buf[i]!]) i++;
  while (i < end && buf[i] === EQ) i++;
  if (i < end && buf[i] === CR) i++;
  return i === end;
}

/**
 * Each run of base64 characters holding a prefix form, decoded from the group boundary
 * the form fixes (so leading characters that belong to something else, `token=` or a
 * YAML key, only add garbage before the key). A run on a line of its own extends over the
 * neighbouring whole-base64 lines, as `base64` wraps its output.
 */
function base64Views(buf: Buffer): EncodedView[] {
  const views: EncodedView[] = [];
  const done = new Set<string>();
  for (const form of BASE64_FORMS) {
    for (let hit = buf.indexOf(form.text); hit !== -1; hit = buf.indexOf(form.text, hit + 1)) {
      let s = hit;
      while (s > 0 && B64[buf[s - 1]!]) s--;
      let e = hit;
      while (e < buf.length && B64[buf[e]!]) e++;
      while (e < buf.length && buf[e] === EQ) e++;
      let lineS = s;
      let lineE = e;
      const ownLine = (s === 0 || buf[s - 1] === LF) && pureLine(buf, s, buf.indexOf(LF, s) === -1 ? buf.length : buf.indexOf(LF, s));
      if (ownLine) {
        while (lineS > 0) {
          const prevStart = buf.lastIndexOf(LF, lineS - 2) + 1;
          if (!pureLine(buf, prevStart, lineS - 1)) break;
          lineS = prevStart;
        }
        for (;;) {
          const nl = buf.indexOf(LF, lineE);
          if (nl === -1 || nl !== lineE + (buf[lineE] === CR ? 1 : 0)) break;
          const nextEnd = buf.indexOf(LF, nl + 1) === -1 ? buf.length : buf.indexOf(LF, nl + 1);
          if (!pureLine(buf, nl + 1, nextEnd)) break;
          lineE = nextEnd;
          if (buf[lineE - 1] === CR) lineE--;
        }
      }
      // The characters of the run, line breaks dropped, each with its offset in `buf`.
      const at: number[] = [];
      for (let i = lineS; i < lineE; i++) if (B64[buf[i]!] || buf[i] === EQ) at.push(i);
      const hitIdx = at.indexOf(hit);
      const start = (((hitIdx - form.first) % 4) + 4) % 4;
      const key = `${at[start]}:${lineE}`;
      if (done.has(key)) continue;
      done.add(key);
      const text = at.slice(start).map((i) => String.fromCharCode(buf[i]!)).join("");
      const bytes = Buffer.from(text, "base64");
      const lines = lineIndex(bytes);
      views.push({
        bytes,
        encoding: "base64",
        place: (line, column) => {
          const d = (lines[line - 1] ?? 0) + column - 1;
          const o = at[Math.min(at.length - 1, start + Math.floor(d / 3) * 4 + [0, 2, 3][d % 3]!)]!;
          return { line: countLines(buf, o), column: columnOf(buf, o) };
        },
      });
    }
  }
  return views;
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const WORD = /^[A-Za-z0-9_]$/;

/**
 * The text with `\u00XX`, `\xXX` and `%XX` escapes of letters, digits and `_` decoded
 * (never a line break, so lines stay where they are), or null when none is. A match is
 * kept only where the key itself was written with an escape: the plain ones the raw
 * bytes already report.
 */
/** A key prefix with at least one escape in it: checked before the whole text is decoded. */
const ESC = String.raw`(?:\\u00[0-9A-Fa-f]{2}|\\x[0-9A-Fa-f]{2}|%[0-9A-Fa-f]{2})`;
const ESCAPED_PREFIX = new RegExp(String.raw`(?:${KEY_KIND_CLASS}|${ESC})k(?:_|${ESC})(?:${KEY_MODE_ALTERNATIVES})(?:_|${ESC})`);

function escapeView(buf: Buffer): EncodedView | null {
  const text = buf.toString("latin1");
  const prefix = ESCAPED_PREFIX.exec(text);
  // Nothing shaped like a prefix (the escaped `_` was in some other word): nothing to decode.
  if (!prefix) return null;
  const out: string[] = [];
  const origin: number[] = [];
  let percent = 0;
  let json = 0;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    let hex: string | null = null;
    let len = 0;
    if (c === "\\" && text[i + 1] === "u" && text.slice(i + 2, i + 4) === "00") [hex, len] = [text.slice(i + 4, i + 6), 6];
    else if (c === "\\" && text[i + 1] === "x") [hex, len] = [text.slice(i + 2, i + 4), 4];
    else if (c === "%") [hex, len] = [text.slice(i + 1, i + 3), 3];
    if (hex && HEX.test(hex)) {
      const ch = String.fromCharCode(parseInt(hex, 16));
      if (WORD.test(ch)) {
        out.push(ch);
        origin.push(i);
        if (c === "%") percent++;
        else json++;
        i += len;
        continue;
      }
    }
    out.push(c);
    origin.push(i);
    i++;
  }
  if (percent + json === 0) return null;
  const decoded = out.join("");
  const bytes = Buffer.from(decoded, "latin1");
  const lines = lineIndex(bytes);
  return {
    bytes,
    encoding: json >= percent ? "json-escape" : "percent",
    place: (line, column, length) => {
      const d = (lines[line - 1] ?? 0) + column - 1;
      const from = origin[d]!;
      const to = origin[d + length - 1]!;
      if (to - from === length - 1) return null; // written plainly
      return { line: countLines(buf, from), column: columnOf(buf, from) };
    },
  };
}

/** Offsets where each line starts. */
function lineIndex(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) starts.push(i + 1);
  return starts;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** 1-based column of `offset` on its line, in UTF-16 code units (what SARIF and editors count). */
function columnOf(buf: Buffer, offset: number): number {
  const start = buf.lastIndexOf(LF, offset - 1) + 1;
  return utf8.decode(buf.subarray(start, offset)).length + 1;
}

function countLines(buf: Buffer, offset: number): number {
  let n = 1;
  for (let i = buf.indexOf(LF); i !== -1 && i < offset; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}
