// Keys inside base64 text: a Kubernetes Secret's `data:`, a Helm value, a whole `.env`
// stored as one value (the key then starts mid-stream, at any byte alignment). Each such
// run is decoded, its keys replaced, and re-encoded in place, so the file stays valid.

import { KEY_MARKERS } from "../vocabulary/index.js";

/** What a replacer does with decoded bytes: the new bytes, or null when nothing was removed. */
export type ReplaceKeys = (decoded: Buffer) => Buffer | null;

/**
 * The base64 characters that the prefix alone decides, at each of the three byte
 * alignments: any base64 run holding a key holds one of these, so a Buffer.indexOf per
 * needle keeps ordinary content free of any decoding.
 */
function needles(): Buffer[] {
  const out: Buffer[] = [];
  for (const p of KEY_MARKERS) {
    for (let pad = 0; pad < 3; pad++) {
      const text = Buffer.concat([Buffer.alloc(pad), Buffer.from(p)]).toString("base64");
      const first = Math.ceil((8 * pad) / 6); // characters that mix in the pad's bits are not fixed
      const last = Math.floor((8 * (pad + p.length)) / 6); // nor those that mix in what follows
      out.push(Buffer.from(text.slice(first, last)));
    }
  }
  return out;
}

const NEEDLES = needles();

/** Whether `bytes` can hold a base64-encoded key at all (cheap; most content says no). */
export function mayHoldBase64Key(bytes: Buffer): boolean {
  return NEEDLES.some((n) => bytes.indexOf(n) !== -1);
}

/** A run long enough to hold an encoded key (a 28-character key is 38 base64 characters). */
const RUN = /[A-Za-z0-9+/]{24,}(?:={1,2})?/g;

/**
 * Replaces keys inside every base64 run of `bytes` (read as latin1 text) through
 * `replace`, re-encoding the result in the run's own style (padded or not). A run may
 * begin with characters that are not part of the value (`/path/` before it): each of the
 * four character offsets is tried, and the first that decodes to a key is used. Linear:
 * one pass over the text, and a run is decoded only when it holds a needle.
 */
export function replaceInBase64(bytes: Buffer, replace: ReplaceKeys): Buffer | null {
  if (!mayHoldBase64Key(bytes)) return null;
  const text = bytes.toString("latin1");
  const parts: Buffer[] = [];
  let at = 0;
  for (const m of text.matchAll(RUN)) {
    const run = m[0];
    if (!NEEDLES.some((n) => run.includes(n.toString("latin1")))) continue;
    const body = run.replace(/=+$/, "");
    for (let skip = 0; skip < 4; skip++) {
      const value = body.slice(skip);
      if (value.length % 4 === 1) continue; // not a whole number of bytes at this offset
      const next = replace(Buffer.from(value, "base64"));
      if (!next) continue;
      // Padded unless the value shows it is not (no `=` and a length that would need one).
      const padded = run.endsWith("=") || value.length % 4 === 0;
      let encoded = next.toString("base64");
      if (!padded) encoded = encoded.replace(/=+$/, "");
      parts.push(bytes.subarray(at, m.index), Buffer.from(body.slice(0, skip) + encoded, "latin1"));
      at = m.index + run.length;
      break;
    }
  }
  if (parts.length === 0) return null;
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}
