import type { ScrubRepo } from "./inspect-repo.js";
import { isDotenvPath, isDotenvTemplate } from "../detectors/index.js";
import { CorruptObjectError } from "../errors.js";
import { createByteReader } from "../git/byte-reader.js";
import { spawnGit } from "../git/run-git.js";
import { fingerprint } from "../findings/fingerprint.js";
import { redact } from "../findings/redact.js";
import { awaitExit } from "./await-exit.js";
import { keysIn } from "./remove-keys.js";
import { findArchiveKeys } from "./find-archive-keys.js";

/** One object of the store that still holds what scrub removes. Redacted values only. */
export interface HeldObject {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  rule: string;
  /** `sk_live_…wxyz` for a key; the file name for a dotenv entry of a tree. */
  shown: string;
  fingerprint: string | null;
}


/** A name from the repository, safe for a terminal: control and non-ASCII bytes as git's octal escapes. */
const quoted = (latin1: string) => latin1.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => "\\" + c.charCodeAt(0).toString(8).padStart(3, "0"));

/** Names of the non-directory entries of a raw tree object (`<mode> <name>\0<20-byte id>`). */
function treeFileNames(bytes: Buffer, idBytes: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const sp = bytes.indexOf(0x20, i);
    const nul = bytes.indexOf(0, sp);
    if (sp < 0 || nul < 0) throw new CorruptObjectError("cannot parse a tree object during the re-scan");
    const mode = bytes.toString("latin1", i, sp);
    if (mode !== "40000" && mode !== "160000") names.push(bytes.toString("latin1", sp + 1, nul));
    i = nul + 1 + idBytes; // 20 bytes in a SHA-1 repository, 32 in a SHA-256 one
  }
  return names;
}

/**
 * The re-scan that decides "clean": EVERY object in the store, reachable or not, read as
 * stored (raw commit and tag bytes, any encoding; trees by entry name; blobs whole), with
 * replace objects off. What a ref points at directly, what an index, a stash or a reflog
 * keeps, and what an interrupted gc left behind are all read, archives opened as the scan
 * opens them: nothing is left unread, and a git that dies by a signal is a failure, never
 * a short clean answer.
 */
export async function sweepObjects(repo: ScrubRepo, includeTestKeys: boolean): Promise<HeldObject[]> {
  const cat = spawnGit(["cat-file", "--batch-all-objects", "--batch", "--unordered"], { cwd: repo.dir, env: repo.env });
  cat.stdin.end();
  const exited = awaitExit(cat, "cat-file");
  exited.catch(() => {});
  const held: HeldObject[] = [];
  const r = createByteReader(cat.stdout);
  try {
    for (let line = await r.line(); line !== null; line = await r.line()) {
      const [oid, type, size] = line.toString("latin1").split(" ") as [string, HeldObject["type"], string];
      const bytes = await r.bytes(Number(size));
      await r.optionalLf();
      const keys = new Map(keysIn(bytes, includeTestKeys).map((k) => [k.secret, k.rule] as const));
      if (type === "blob") {
        // Members of an archive (a key in a deflated .jar member is not in the raw bytes); one
        // that cannot be opened whole may hide a key, so it is named, never passed as clean.
        const inside = await findArchiveKeys(bytes, includeTestKeys);
        for (const [secret, rule] of inside.keys) keys.set(secret, rule);
        if (inside.incomplete) held.push({ oid, type, rule: "not-fully-scanned", shown: `(archive ${inside.incomplete})`, fingerprint: null });
      }
      for (const [secret, rule] of keys) held.push({ oid, type, rule, shown: redact(secret), fingerprint: fingerprint(secret) });
      if (type !== "tree") continue;
      for (const name of treeFileNames(bytes, oid.length / 2)) {
        if (isDotenvPath(name) && !isDotenvTemplate(name)) held.push({ oid, type, rule: "dotenv-file", shown: quoted(name), fingerprint: null });
      }
    }
  } catch (err) {
    cat.kill("SIGKILL");
    throw err;
  }
  await exited;
  await cat.done;
  return held;
}
