import { constants } from "node:fs";
import type { Dirent, Stats } from "node:fs";
import { lstat, open, readdir, readlink, stat } from "node:fs/promises";
import { basename } from "node:path";
import { UsageError } from "../errors.js";
import { hasGitBinary } from "../git/run-git.js";
import { listCommittableFiles } from "../git/list-files.js";

/**
 * One entry of a working tree, as git would see it. `file`: a regular file's bytes, or a
 * symlink's target text (what git commits for a link: never what it points at).
 * `unreadable`: it exists and git would commit it, but it could not be read (the scan is
 * then incomplete). `skipped`: nothing git commits the content of (FIFO, device, socket,
 * a file behind a symlinked directory). `gitlink`: a submodule's directory.
 */
export type TreeEntry =
  | { type: "file"; path: string; bytes: Buffer; symlink: boolean }
  | { type: "unreadable"; path: string; reason: string }
  | { type: "skipped"; path: string; kind: string }
  | { type: "gitlink"; path: string };

/** Never descended into when there is no git to ask what is ignored. */
const SKIP_DIRS = new Set([".git", "node_modules", ".hg", ".svn"]);

// O_NOFOLLOW: a link swapped in after lstat is refused, not followed. O_NONBLOCK: a FIFO
// swapped in does not block the open (it is then refused by fstat).
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const SLASH = Buffer.from("/");

/** A name is bytes; shown as UTF-8 (invalid sequences become U+FFFD), read by its bytes. */
const display = (rel: Buffer) => rel.toString("utf8");

/**
 * Entries under `root` as they are on disk. In a git work tree: what git would commit
 * (tracked + untracked-not-ignored, listed by git with the repository's own commands
 * switched off); in a directory no repository holds: every entry but VCS and dependency
 * folders. git refusing the repository (dubious ownership, a broken index) throws its
 * reason: walking instead would report files git ignores.
 */
export async function* workingTreeFiles(root: string, env: NodeJS.ProcessEnv = process.env): AsyncGenerator<TreeEntry> {
  const info = await stat(root).catch(() => null);
  if (!info) throw new UsageError(`no such file or directory: ${root}`);
  if (info.isFile()) {
    // The one path the user named: followed if it is a link, as they asked for it.
    yield await readEntry(Buffer.from(root), Buffer.from(basename(root)), true);
    return;
  }
  if (!info.isDirectory()) throw new UsageError(`not a regular file or directory: ${root}`);
  const base = Buffer.from(root);
  const listed = hasGitBinary(env) ? await listCommittableFiles(root, env) : null;
  if (listed === null) {
    yield* walk(base, Buffer.alloc(0));
    return;
  }
  const dirs = new Map<string, Promise<boolean>>();
  for (const rel of listed) {
    if (!(await parentsAreDirectories(base, rel, dirs))) {
      yield { type: "skipped", path: display(rel), kind: "behind a symbolic link" };
      continue;
    }
    yield await readEntry(Buffer.concat([base, SLASH, rel]), rel, false);
  }
}

/**
 * git lists a tracked `a/b.txt` even after `a` became a symlink to elsewhere; opening it
 * would read outside the tree. Every directory on the way must be a real one.
 */
async function parentsAreDirectories(base: Buffer, rel: Buffer, cache: Map<string, Promise<boolean>>): Promise<boolean> {
  for (let i = rel.indexOf(0x2f); i !== -1; i = rel.indexOf(0x2f, i + 1)) {
    const key = rel.subarray(0, i).toString("latin1");
    let ok = cache.get(key);
    if (!ok) {
      ok = lstat(Buffer.concat([base, SLASH, rel.subarray(0, i)])).then(
        (s) => s.isDirectory(),
        () => false,
      );
      cache.set(key, ok);
    }
    if (!(await ok)) return false;
  }
  return true;
}

async function readEntry(full: Buffer, rel: Buffer, follow: boolean): Promise<TreeEntry> {
  const path = display(rel);
  let s: Stats;
  try {
    s = follow ? await stat(full) : await lstat(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    // Tracked but deleted in the work tree: nothing there to commit, not a gap in the scan.
    return code === "ENOENT" ? { type: "skipped", path, kind: "deleted" } : { type: "unreadable", path, reason: code };
  }
  if (s.isSymbolicLink()) {
    try {
      return { type: "file", path, bytes: await readlink(full, { encoding: "buffer" }), symlink: true };
    } catch (err) {
      return { type: "unreadable", path, reason: (err as NodeJS.ErrnoException).code ?? "error" };
    }
  }
  if (s.isDirectory()) return { type: "gitlink", path };
  if (!s.isFile()) return { type: "skipped", path, kind: kindOf(s) };
  try {
    const fh = await open(full, follow ? constants.O_RDONLY | constants.O_NONBLOCK : OPEN_FLAGS);
    try {
      const now = await fh.stat();
      if (!now.isFile()) return { type: "skipped", path, kind: kindOf(now) };
      return { type: "file", path, bytes: await fh.readFile(), symlink: false };
    } finally {
      await fh.close();
    }
  } catch (err) {
    return { type: "unreadable", path, reason: (err as NodeJS.ErrnoException).code ?? "error" };
  }
}

function kindOf(s: Stats | Dirent): string {
  if (s.isFIFO()) return "fifo";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "device";
  if (s.isSocket()) return "socket";
  return "special file";
}

async function* walk(base: Buffer, rel: Buffer): AsyncGenerator<TreeEntry> {
  const dir = rel.length ? Buffer.concat([base, SLASH, rel]) : base;
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: "buffer" });
  } catch (err) {
    yield { type: "unreadable", path: display(rel) || ".", reason: (err as NodeJS.ErrnoException).code ?? "error" };
    return;
  }
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  for (const e of entries) {
    const child = rel.length ? Buffer.concat([rel, SLASH, e.name]) : e.name;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name.toString("latin1"))) yield* walk(base, child);
    } else {
      yield await readEntry(Buffer.concat([base, SLASH, child]), child, false);
    }
  }
}
