import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { UsageError } from "../errors.js";
import { hasGitBinary } from "../git/run-git.js";
import { listCommittableFiles } from "../git/list-files.js";

export interface TreeFile {
  path: string; // relative, with forward slashes
  bytes: Buffer | null; // null: could not be read
}

/** Never descended into when there is no git to ask what is ignored. */
const SKIP_DIRS = new Set([".git", "node_modules", ".hg", ".svn"]);

/**
 * Files under `root` as they are on disk. In a git work tree: what git would commit
 * (tracked + untracked-not-ignored); elsewhere every file but VCS and dependency folders.
 */
export async function* workingTreeFiles(root: string): AsyncGenerator<TreeFile> {
  const info = await stat(root).catch(() => null);
  if (!info) throw new UsageError(`no such file or directory: ${root}`);
  if (info.isFile()) {
    yield { path: root.split(sep).pop()!, bytes: await readFile(root).catch(() => null) };
    return;
  }
  const listed = hasGitBinary() ? await listCommittableFiles(root) : null;
  const paths = listed ?? (await walk(root, root));
  for (const path of paths) {
    const full = join(root, path);
    const s = await stat(full).catch(() => null);
    if (!s?.isFile()) continue; // deleted in the work tree, a gitlink, or a dangling link
    yield { path, bytes: await readFile(full).catch(() => null) };
  }
}

async function walk(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...(await walk(root, full)));
    } else if (entry.isFile()) {
      out.push(relative(root, full).split(sep).join("/"));
    }
  }
  return out.sort();
}
