import type { Vector } from "../vocabulary/index.js";
import { KEY_KIND_CLASS, KEY_MARKERS, KEY_MODE_ALTERNATIVES, KEY_MODES, RULES } from "../vocabulary/index.js";
import type { Detector, Match } from "./types.js";
import { MAX_OCCURRENCES_PER_KEY } from "./types.js";
import { classifyKeyAlone, continuesDocsUrl, DOCS_URL_LOOKBACK } from "./classify-key.js";
import type { ColumnWidth } from "./text-position.js";
import { lineWindow, makePositionCounter, utf8Width } from "./text-position.js";
import type { FileFacts } from "./vector.js";
import { fileFacts, vectorOf } from "./vector.js";

/**
 * Stripe secret (`sk_`) and restricted (`rk_`) keys, live and test mode.
 *
 * Body bounds: classic keys carry 24 base62 characters, current ones 99 starting `51`,
 * and Stripe documents that key length may grow (https://docs.stripe.com/keys "key
 * length"). Published rules disagree: gitleaks {10,99}, trufflehog {20,247},
 * secretlint {24,99}, detect-secrets {24} (truncates new keys). We take at least 20
 * (no issued key is shorter; shorter runs are prose like `sk_live_stats`) and NO upper
 * bound: a cap either misses a longer key or truncates it, and a truncated match gives
 * a fingerprint that differs from the real key's. The class has no nested quantifier,
 * so the scan stays linear however long the run.
 *
 * The left guard rejects identifiers that merely contain the letters (`desk_live_…`,
 * `task_live_…`) but lets a key follow any non-alphanumeric character or a complete
 * escape whose last character is a letter or digit: `%3D` (a percent-encoded `=` in a
 * URL or form body), `\n` `\t` `\r` `\f` `\v` `\b` `\0` inside a string literal, `\u0022`,
 * `\x3d` (issue 10 item 4). Each lookbehind has a fixed length (at most 6), so the
 * guard costs a bounded check per candidate and the scan stays linear. An escaped
 * backslash before the letter (`\\nsk_live_…`) also passes: counting backslashes would
 * need an unbounded lookbehind, and a false positive there still has to pass the
 * body checks, where a missed key would be a leak. The guard is checked in code
 * (followsBoundary) rather than as lookbehinds at the head of the pattern: a pattern that
 * starts with an assertion is tried at every position, about 100 times slower on ordinary
 * text than one that starts with the literal `[sr]k_`.
 * `pk_` publishable keys are public by design and not matched.
 *
 * Samples (built at run time in tests): sk_live_ + 24 base62; sk_live_51 + 97 base62;
 * rk_test_ + 24; inside `https://KEY:@api.stripe.com`, `curl -u KEY:`, JSON, YAML;
 * `key%3DKEY`, `"\nKEY"`, `"\u0022KEY"`, `'\x3dKEY'`.
 */
export const STRIPE_KEY_PATTERN = new RegExp(`(${KEY_KIND_CLASS}k)_(${KEY_MODE_ALTERNATIVES})_([A-Za-z0-9]{20,})`, "g");

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexRun = (text: string, from: number, n: number) => {
  for (let k = from; k < from + n; k++) if (k < 0 || !isHex(text.charCodeAt(k))) return false;
  return true;
};

/**
 * The left guard of STRIPE_KEY_PATTERN: a key at `i` follows the start, a character that is
 * not a letter or digit, or a complete escape (`%XX`, `\n` `\t` `\r` `\f` `\v` `\b` `\0`,
 * `\uXXXX`, `\xXX`). A fixed number of characters is looked at.
 */
export function followsBoundary(text: string, i: number): boolean {
  if (i === 0 || !isAlnum(text.charCodeAt(i - 1))) return true;
  if (i >= 3 && text[i - 3] === "%" && hexRun(text, i - 2, 2)) return true;
  if (i >= 2 && text[i - 2] === "\\" && "ntrfvb0".includes(text[i - 1]!)) return true;
  if (i >= 6 && text[i - 6] === "\\" && text[i - 5] === "u" && hexRun(text, i - 4, 4)) return true;
  return i >= 4 && text[i - 4] === "\\" && text[i - 3] === "x" && hexRun(text, i - 2, 2);
}

/** Cheap prefilter: a blob without either marker cannot hold a key (Buffer.indexOf is memchr-fast). */
const MARKERS = KEY_MARKERS.map((m) => Buffer.from(m));
/** The same markers in UTF-16LE: what Windows PowerShell 5 writes for `echo … > .env`. */
const WIDE_MARKERS = MARKERS.map((m) => Buffer.from(m.toString("latin1"), "utf16le"));
const ALLOW_COMMENT = "leakguard:allow";

const asBuffer = (b: Uint8Array) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * For engines that search in bulk (git grep -P, byte-wise): every blob detectStripeKeys
 * can match a key in also matches this, in one-byte text or in UTF-16LE (each character
 * then followed by NUL). Dropping the `[sr]` and the left guard keeps it a superset, and
 * starting at `k_` lets PCRE skip ahead fast.
 */
/** The modes in UTF-16LE, as PCRE: `l\\x00i\\x00v\\x00e|t\\x00e\\x00s\\x00t`. */
const WIDE_MODES = KEY_MODES.map((m) => [...m].join("\\x00")).join("|");
export const STRIPE_KEY_PCRE = [`k_(?:${KEY_MODE_ALTERNATIVES})_[A-Za-z0-9]{20}`, `k\\x00_\\x00(?:${WIDE_MODES})\\x00_\\x00(?:[A-Za-z0-9]\\x00){20}`].join("|");

/** Longest marker in bytes: a streaming reader tests pieces that overlap by one less. */
export const STRIPE_MARKER_BYTES = Math.max(...WIDE_MARKERS.map((m) => m.length));

export function mayHoldStripeKey(bytes: Uint8Array): boolean {
  const buf = asBuffer(bytes);
  if (buf.indexOf(MARKERS[0]!) !== -1 || buf.indexOf(MARKERS[1]!) !== -1) return true;
  // Every wide marker holds NUL bytes; most text has none, and memchr finds that out
  // far faster than searching for the wide markers themselves (their 'k\0' start is common).
  return buf.indexOf(0) !== -1 && WIDE_MARKERS.some((m) => buf.indexOf(m) !== -1);
}

export const detectStripeKeys: Detector = (input) => {
  const buf = asBuffer(input.bytes);
  const firstOnly = input.firstOnly === true;
  const narrow = MARKERS.some((m) => buf.indexOf(m) !== -1) ? detectNarrow(input.path, buf, firstOnly) : [];
  if (firstOnly && narrow.length) return narrow;
  const wide = buf.indexOf(0) !== -1 ? detectWide(input.path, buf, firstOnly) : [];
  return wide.length ? [...narrow, ...wide] : narrow;
};

function detectNarrow(path: string, bytes: Buffer, firstOnly: boolean): Match[] {
  // latin1 maps each byte to one code unit, so string indexes are byte offsets.
  return matchKeys(path, bytes.toString("latin1"), utf8Width(bytes), firstOnly);
}

/**
 * UTF-16LE text: decoded at each alignment a wide marker sits at (a decoy marker at the
 * other alignment must not hide the real ones), lines and columns counted in characters.
 */
function detectWide(path: string, bytes: Buffer, firstOnly: boolean): Match[] {
  const out: Match[] = [];
  for (const parity of wideAlignments(bytes)) {
    out.push(...matchKeys(path, bytes.subarray(parity).toString("utf16le"), undefined, firstOnly));
    if (firstOnly && out.length) break;
  }
  return out;
}

function wideAlignments(bytes: Buffer): number[] {
  const found = new Set<number>();
  for (const m of WIDE_MARKERS) {
    for (let i = bytes.indexOf(m); i !== -1 && found.size < 2; i = bytes.indexOf(m, i + 1)) found.add(i % 2);
  }
  return [...found].sort();
}

/**
 * Work caps, so that what one blob costs is bounded by its size (issue 8, item 5). Each
 * key's line is read at most LINE_CAP code units either side of it; lines up to that
 * long are read once for all their keys. Past CONTEXT_BUDGET code units of lines read in
 * one blob (a 3 MB line of 100,000 keys gets there after ~500 keys), the remaining keys
 * are still every one reported, with their exact line, column and fingerprint, but
 * without reading their line: they take the file's vector, and an inline
 * `leakguard:allow` no longer suppresses them. The cap fails toward reporting.
 */
export const LINE_CAP = 4096;
/** Distinct keys whose verdict one call keeps (memory stays bounded on a text of distinct keys). */
const MAX_VERDICTS_KEPT = 4096;
export const CONTEXT_BUDGET = 4 * 1024 * 1024;

interface LineContext {
  start: number;
  end: number;
  vector: Vector;
  allowed: boolean;
}

function matchKeys(path: string, text: string, width?: ColumnWidth, firstOnly = false): Match[] {
  const positionOf = makePositionCounter(text, width);
  let facts: FileFacts | undefined; // what vectorOf needs of the file: once, and only if it holds a key
  let fileVector: Vector | undefined;
  let budget = CONTEXT_BUDGET;
  let last: LineContext | null = null;
  const matches: Match[] = [];
  // Places kept per key, for plain and allowed matches apart (types.ts).
  const keptPlain = new Map<string, number>();
  const keptAllowed = new Map<string, number>();
  let omitted = 0;
  const verdicts = new Map<string, ReturnType<typeof classifyKeyAlone>>();
  const pattern = new RegExp(STRIPE_KEY_PATTERN);
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    // Not after a word character: look again one character on (a key cannot start inside
    // the rejected body, which holds no `_`), as a lookbehind would have.
    if (!followsBoundary(text, m.index)) {
      pattern.lastIndex = m.index + 1;
      continue;
    }
    const [secret, kind, mode, body] = m as unknown as [string, string, string, string];
    // A key seen before in this text is not classified again: a file of one key repeated
    // spent most of its matching there (seconds a window, in one synchronous call).
    let alone = verdicts.get(secret);
    if (!alone) {
      alone = classifyKeyAlone(kind, mode, body);
      if (verdicts.size < MAX_VERDICTS_KEPT) verdicts.set(secret, alone);
    }
    const rule = alone.docsProse && continuesDocsUrl(text.slice(Math.max(0, m.index - DOCS_URL_LOOKBACK), m.index)) ? null : alone.rule;
    if (!rule) continue;
    const { line, column } = positionOf(m.index);
    let ctx: { vector: Vector; allowed: boolean };
    if (budget > 0) {
      const [start, end] = lineWindow(text, m.index, LINE_CAP);
      if (!last || last.start !== start || last.end !== end) {
        const lineText = text.slice(start, end);
        last = { start, end, vector: vectorOf(path, lineText, (facts ??= fileFacts(path, text))), allowed: lineText.includes(ALLOW_COMMENT) };
        budget -= end - start;
      }
      ctx = last;
    } else {
      ctx = { vector: (fileVector ??= vectorOf(path, "", (facts ??= fileFacts(path, text)))), allowed: false };
    }
    const kept = ctx.allowed ? keptAllowed : keptPlain;
    const places = kept.get(secret) ?? 0;
    if (places >= MAX_OCCURRENCES_PER_KEY) {
      omitted++;
      continue;
    }
    kept.set(secret, places + 1);
    matches.push({ rule, severity: RULES[rule].severity, vector: ctx.vector, line, column, secret, identity: null, allowed: ctx.allowed });
    if (firstOnly) break;
  }
  if (omitted > 0) matches[matches.length - 1] = { ...matches[matches.length - 1]!, omitted };
  return matches;
}
