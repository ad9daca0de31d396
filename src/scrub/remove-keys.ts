import { detectStripeKeys, mayHoldStripeKey } from "../detectors/index.js";
import { removesKeyRule } from "./plan.js";
import { replaceInBase64 } from "./replace-in-base64.js";
import { replaceInEscapes } from "./replace-in-escapes.js";

export const REPLACEMENT = "***REMOVED***";
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT);

// Above this size a blob is searched in overlapping windows: a JavaScript string cannot
// hold much more than 512 MiB, and other tools' answer (skip files over 1 MiB) leaves keys behind.
const WINDOW = 64 * 1024 * 1024;
/** Encoded keys are looked for in files up to this size (they are read as one string; plain keys in any size). */
export const MAX_ENCODED_TEXT = 256 * 1024 * 1024;
const OVERLAP = 64 * 1024;

/** Every key scrub removes in `bytes`, with the rule it is reported under. */
function secretsIn(bytes: Buffer, includeTestKeys: boolean, window: number): Map<string, string> {
  const found = new Map<string, string>();
  for (let start = 0; start < bytes.length; start += window) {
    const end = Math.min(bytes.length, start + window + OVERLAP);
    for (const m of detectStripeKeys({ path: "", bytes: bytes.subarray(start, end) })) {
      // A `leakguard:allow` comment does not make a live key in history safe: it goes too.
      if (m.secret === null || !removesKeyRule(m.rule, includeTestKeys)) continue;
      found.set(m.secret, m.rule);
    }
  }
  return found;
}

/**
 * The keys scrub removes that `bytes` holds, with their rules, plain or encoded (the
 * re-scan asks the same question as the rewrite, so it also sees what an edit left).
 */
export function keysIn(bytes: Buffer, includeTestKeys: boolean): Array<{ secret: string; rule: string }> {
  const { rules, kept } = scanAndRemove(bytes, includeTestKeys, WINDOW);
  return [...rules, ...kept].map(([secret, rule]) => ({ secret, rule }));
}

function replaceAll(buf: Buffer, needle: Buffer, replacement = REPLACEMENT_BYTES): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (let j = buf.indexOf(needle, i); j !== -1; j = buf.indexOf(needle, i)) {
    parts.push(buf.subarray(i, j), replacement);
    i = j + needle.length;
  }
  if (parts.length === 0) return buf;
  parts.push(buf.subarray(i));
  return Buffer.concat(parts);
}

/**
 * Replaces every live key the detectors find (Stripe's, and another provider's `sk_live_`
 * secret; placeholders excepted; a `leakguard:allow` line is no exception) with
 * `***REMOVED***`, keeping the rest of the line. Works on bytes, so any encoding and any
 * size survive. Keys written with escapes (`\u005f`, `\x5f`, `%5F`) lose their whole
 * escaped span, and keys inside base64 (a Kubernetes Secret) are replaced in the decoded
 * text and re-encoded: either way the file stays valid. Returns null when there is
 * nothing to replace.
 */
export function removeKeys(bytes: Buffer, includeTestKeys: boolean, window = WINDOW): { bytes: Buffer; secrets: string[]; rules: Map<string, string> } | null {
  const { out, rules } = scanAndRemove(bytes, includeTestKeys, window);
  return rules.size ? { bytes: out, secrets: [...rules.keys()], rules } : null;
}

/** The edit, with the keys it removed (`rules`) and those it saw but had to leave (`kept`: inside an encoded binary). */
function scanAndRemove(bytes: Buffer, includeTestKeys: boolean, window: number) {
  const rules = new Map<string, string>();
  const kept = new Map<string, string>();
  const plain = (b: Buffer) => {
    const out = removePlainKeys(b, includeTestKeys, window);
    for (const [s, r] of out?.rules ?? []) rules.set(s, r);
    return out?.bytes ?? null;
  };
  // Plain keys, then keys written with escapes; a base64 value is decoded once and read the same two ways.
  const text = (b: Buffer) => {
    let out = plain(b) ?? b;
    if (isUtf16Text(out) || out.length > MAX_ENCODED_TEXT) return out === b ? null : out;
    const escaped = replaceInEscapes(out, (decoded) => {
      const found = mayHoldStripeKey(decoded) ? secretsIn(decoded, includeTestKeys, window) : new Map<string, string>();
      for (const [s, r] of found) rules.set(s, r);
      return [...found.keys()];
    }, REPLACEMENT_BYTES);
    if (escaped) out = escaped.bytes;
    return out === b ? null : out;
  };
  let out = text(bytes) ?? bytes;
  if (!isUtf16Text(out) && out.length <= MAX_ENCODED_TEXT) {
    // A decoded binary is left as it is (editing it would break what it encodes); the re-scan still counts its key.
    const encoded = replaceInBase64(out, (decoded) => {
      if (!isBinary(decoded)) return text(decoded);
      if (mayHoldStripeKey(decoded)) for (const [s, r] of secretsIn(decoded, includeTestKeys, window)) kept.set(s, r);
      return null;
    });
    if (encoded) out = encoded;
  }
  for (const s of rules.keys()) kept.delete(s);
  return { out, rules, kept };
}

/** Plain (and UTF-16LE) keys: the detector's matches, replaced byte for byte. */
function removePlainKeys(bytes: Buffer, includeTestKeys: boolean, window: number): { bytes: Buffer; rules: Map<string, string> } | null {
  if (!mayHoldStripeKey(bytes)) return null;
  const rules = secretsIn(bytes, includeTestKeys, window);
  const secrets = [...rules.keys()].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return null;
  let out = bytes;
  // Longest first: a window edge may have cut a key short, and the whole key must go first.
  for (const s of secrets) {
    out = replaceAll(out, Buffer.from(s, "latin1"));
    if (isUtf16Text(out)) out = replaceAll(out, Buffer.from(s, "utf16le"), WIDE_REPLACEMENT);
  }
  return { bytes: out, rules };
}

const WIDE_REPLACEMENT = Buffer.from(REPLACEMENT, "utf16le");

/** UTF-16LE text (Windows PowerShell 5 writes it, with a byte-order mark): editable like any text. */
export function isUtf16Text(bytes: Buffer): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xfe;
}

/**
 * Archives by their signature: zip (and so jar, apk, aab, ipa, whl, nupkg...: a local file
 * header, or an empty archive's end record) and gzip (deflate). Editing bytes inside one
 * breaks its checksums, so it is a binary even if no NUL happens to be near its start.
 * No text file starts with these control bytes.
 */
const ARCHIVE_MAGIC = [Buffer.from("PK\x03\x04", "latin1"), Buffer.from("PK\x05\x06", "latin1"), Buffer.from([0x1f, 0x8b, 0x08])];

/** git's own test (FIRST_FEW_BYTES): a NUL in the first 8000 bytes means binary; UTF-16 text is not; an archive is. */
export function isBinary(bytes: Buffer): boolean {
  if (ARCHIVE_MAGIC.some((m) => bytes.subarray(0, m.length).equals(m))) return true;
  return !isUtf16Text(bytes) && bytes.subarray(0, 8000).includes(0);
}

const LFS_SPEC = "version https://git-lfs.github.com/spec/";

/** The sha256 of the object an LFS pointer stands for, or null when the blob is not a pointer. */
export function lfsPointerOid(bytes: Buffer): string | null {
  if (bytes.length > 1024 || !bytes.subarray(0, LFS_SPEC.length).equals(Buffer.from(LFS_SPEC))) return null;
  return /^oid sha256:([0-9a-f]{64})$/m.exec(bytes.toString("latin1"))?.[1] ?? null;
}
