import { createHash } from "node:crypto";

/**
 * A stable one-way id for a secret (or a file-level identity): the same key gives the
 * same fingerprint wherever it sits, so incidents, baselines and issues follow the key,
 * not a position that moves when history is rewritten. SHA-256 of the whole key; a key
 * body has >= 20 random base62 characters, far beyond brute force.
 */
export function fingerprint(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 32);
}
