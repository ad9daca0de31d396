import { detectStripeKeys, mayHoldStripeKey } from "../detectors/index.js";

export const REPLACEMENT = "***REMOVED***";
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT);

// Above this size a blob is searched in overlapping windows: a JavaScript string cannot
// hold much more than 512 MiB, and other tools' answer (skip files over 1 MiB) leaves keys behind.
const WINDOW = 64 * 1024 * 1024;
const OVERLAP = 64 * 1024;

function secretsIn(bytes: Buffer, includeTestKeys: boolean, window: number): Set<string> {
  const found = new Set<string>();
  for (let start = 0; start < bytes.length; start += window) {
    const end = Math.min(bytes.length, start + window + OVERLAP);
    for (const m of detectStripeKeys({ path: "", bytes: bytes.subarray(start, end) })) {
      // A `leakguard:allow` comment does not make a live key in history safe: it goes too.
      if (m.secret === null) continue;
      if (!includeTestKeys && !m.rule.startsWith("stripe-live")) continue;
      found.add(m.secret);
    }
  }
  return found;
}

/** The keys scrub removes that `bytes` holds (the re-scan asks the same question as the rewrite). */
export function keysIn(bytes: Buffer, includeTestKeys: boolean): string[] {
  return mayHoldStripeKey(bytes) ? [...secretsIn(bytes, includeTestKeys, WINDOW)] : [];
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
 * Replaces every Stripe key the detectors find (placeholders excepted; a `leakguard:allow`
 * line is no exception) with `***REMOVED***`, keeping the rest of the line. Works on bytes, so any
 * encoding and any size survive. Returns null when there is nothing to replace.
 */
export function removeKeys(bytes: Buffer, includeTestKeys: boolean, window = WINDOW): { bytes: Buffer; secrets: string[] } | null {
  if (!mayHoldStripeKey(bytes)) return null;
  const secrets = [...secretsIn(bytes, includeTestKeys, window)].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return null;
  let out = bytes;
  // Longest first: a window edge may have cut a key short, and the whole key must go first.
  for (const s of secrets) {
    out = replaceAll(out, Buffer.from(s, "latin1"));
    if (isUtf16Text(out)) out = replaceAll(out, Buffer.from(s, "utf16le"), WIDE_REPLACEMENT);
  }
  return { bytes: out, secrets };
}

const WIDE_REPLACEMENT = Buffer.from(REPLACEMENT, "utf16le");

/** UTF-16LE text (Windows PowerShell 5 writes it, with a byte-order mark): editable like any text. */
export function isUtf16Text(bytes: Buffer): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xfe;
}

/** git's own test (FIRST_FEW_BYTES): a NUL in the first 8000 bytes means binary; UTF-16 text is not. */
export function isBinary(bytes: Buffer): boolean {
  return !isUtf16Text(bytes) && bytes.subarray(0, 8000).includes(0);
}

const LFS_SPEC = "version https://git-lfs.github.com/spec/";

/** The sha256 of the object an LFS pointer stands for, or null when the blob is not a pointer. */
export function lfsPointerOid(bytes: Buffer): string | null {
  if (bytes.length > 1024 || !bytes.subarray(0, LFS_SPEC.length).equals(Buffer.from(LFS_SPEC))) return null;
  return /^oid sha256:([0-9a-f]{64})$/m.exec(bytes.toString("latin1"))?.[1] ?? null;
}
