import { readFileSync } from "node:fs";
import { Readable } from "node:stream";

// Fixtures hold TOKEN where a key goes (same length as a classic key, so `data` counts
// stay right); the key itself is generated here. Regenerate with fixtures/make-basic.sh.
export const TOKEN = Buffer.from("@@LEAKGUARD:TEST:KEY:TOKEN:0001@");

export function withKey(file: string, key: string): Buffer {
  const raw = readFileSync(new URL(`./fixtures/${file}`, import.meta.url));
  const parts: Buffer[] = [];
  let i = 0;
  for (let j = raw.indexOf(TOKEN); j !== -1; j = raw.indexOf(TOKEN, i)) {
    parts.push(raw.subarray(i, j), Buffer.from(key));
    i = j + TOKEN.length;
  }
  parts.push(raw.subarray(i));
  return Buffer.concat(parts);
}

/** Feeds the stream in small uneven chunks, as a pipe would. */
export function chunked(buf: Buffer, size = 7): AsyncIterable<Buffer> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return Readable.from(chunks);
}
