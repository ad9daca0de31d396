import { UsageError } from "../errors.js";
import { git, spawnGit } from "../git/run-git.js";
import { createBatchParser } from "../git/native/cat-file.js";
import type { BatchObject } from "../git/native/cat-file.js";
import { parseProcess, writeLines } from "../git/native/stream.js";

// The index: what the next commit will hold. A pre-commit check must read the staged
// blobs, not the files on disk: `git add k.txt` then deleting or editing k.txt still
// commits the key. Entries come from `git ls-files -s`, their bytes from one
// `cat-file --batch`, so a large index costs two git processes.

export interface StagedFile {
  /** Repository-relative, forward slashes, as git stores it. */
  path: string;
  /** The staged blob. */
  blob: string;
  /** null when the object could not be read (missing from the object store). */
  bytes: Buffer | null;
}

export interface StagedCounts {
  /** Gitlinks (submodule entries): their content lives in another repository. */
  submodules: number;
}

const GITLINK = "160000";
// Repository config must not run programs for a read (issue 8): fsmonitor is the one
// index reads consult.
const SAFE = ["-c", "core.fsmonitor=false"];

interface Entry {
  mode: string;
  oid: string;
  path: string;
}

/** Parses `ls-files -s -z`: "<mode> <oid> <stage>\t<path>\0" per entry. */
function parseEntries(out: Buffer): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const rec of out.toString("utf8").split("\0")) {
    if (!rec) continue;
    const tab = rec.indexOf("\t");
    const [mode, oid] = rec.slice(0, tab).split(" ") as [string, string];
    const path = rec.slice(tab + 1);
    // An unmerged path has up to three stages; each may be what gets committed.
    const key = `${oid}\0${path}`;
    if (tab < 0 || !oid || seen.has(key)) continue;
    seen.add(key);
    entries.push({ mode, oid, path });
  }
  return entries;
}

/** Every blob in the index of the work tree at `dir`. UsageError when `dir` is not in a work tree. */
export async function* stagedFiles(dir: string, counts: StagedCounts, env: NodeJS.ProcessEnv = process.env): AsyncGenerator<StagedFile> {
  const out = await git([...SAFE, "ls-files", "-s", "-z", "--full-name"], { cwd: dir, env }).catch((err: Error) => {
    throw new UsageError(`--staged needs a git work tree: ${dir} (${err.message})`);
  });
  const entries = parseEntries(out);
  const blobs: Entry[] = [];
  for (const e of entries) {
    if (e.mode === GITLINK) counts.submodules++;
    else blobs.push(e); // regular files and symlinks (git stores the link text as a blob)
  }
  if (blobs.length === 0) return;

  // One request line per entry, answered in order: the nth object belongs to the nth entry.
  const proc = spawnGit([...SAFE, "cat-file", "--batch"], { cwd: dir, env });
  const writing = writeLines(
    proc.stdin,
    blobs.map((e) => e.oid),
  );
  let i = 0;
  type Item = { kind: "object"; o: BatchObject } | { kind: "missing"; oid: string };
  const items = parseProcess<Item>(proc, (emit) =>
    createBatchParser(
      (o) => emit({ kind: "object", o }),
      (oid) => emit({ kind: "missing", oid }),
    ),
  );
  for await (const item of items) {
    const e = blobs[i++]!;
    const ok = item.kind === "object" && item.o.type === "blob" && item.o.oid === e.oid;
    yield { path: e.path, blob: e.oid, bytes: ok ? item.o.bytes : null };
  }
  await writing;
  // cat-file answers every request or fails; fewer answers means something went unread.
  for (; i < blobs.length; i++) yield { path: blobs[i]!.path, blob: blobs[i]!.oid, bytes: null };
}
