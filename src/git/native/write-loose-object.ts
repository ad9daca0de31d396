import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

// Writes one object into a loose-object directory the way git does (zlib of
// "<type> <size>\0<body>", at <dir>/<2 hex>/<rest>), named by its hash. For the scratch
// object directory of a full-history scan only (grep-blobs.ts): a tree of 56,000 entries is
// about 2 MB, which node hashes and deflates in milliseconds, where `git mktree` read
// 4 MB of text through a pipe and spent a quarter of a second of CPU parsing it, on the
// scan's critical path (see docs/PERFORMANCE.md, "history scan").

export type HashAlgorithm = "sha1" | "sha256";

/** The hash a repository uses, from the length of one of its object ids. */
export function hashAlgorithmOf(oid: string): HashAlgorithm {
  return oid.length === 64 ? "sha256" : "sha1";
}

export function writeLooseObject(dir: string, algorithm: HashAlgorithm, type: "blob" | "tree", body: Buffer): string {
  const head = Buffer.from(`${type} ${body.length}\0`, "latin1");
  const oid = createHash(algorithm).update(head).update(body).digest("hex");
  const folder = join(dir, oid.slice(0, 2));
  mkdirSync(folder, { recursive: true });
  // Level 1: the object is read once, by one git process, a moment later.
  writeFileSync(join(folder, oid.slice(2)), deflateSync(Buffer.concat([head, body]), { level: 1 }));
  return oid;
}
