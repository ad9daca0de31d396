import type { PromiseFsClient } from "isomorphic-git";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../../errors.js";

export interface GitDirs {
  /** Objects and refs live here. */
  gitdir: string;
  headFile: string;
}

type Stat = { isDirectory(): boolean; isFile(): boolean };

/**
 * Finds the repository `dir` belongs to, the way `git rev-parse --git-dir` does: `dir`
 * or a parent holding `.git` (a directory, or a file `gitdir: …` as in submodules and
 * linked worktrees), or `dir` itself being a git directory (a bare repository).
 */
export async function findGitDir(fs: PromiseFsClient, dir: string): Promise<GitDirs> {
  const start = resolve(dir);
  const st = await stat(fs, start);
  if (!st?.isDirectory()) throw new UsageError(`no such directory: ${dir}`);
  for (let d = start; ; d = dirname(d)) {
    const dotgit = join(d, ".git");
    const dst = await stat(fs, dotgit);
    if (dst?.isFile()) {
      const text = await readText(fs, dotgit);
      const target = /^gitdir: (.+)$/m.exec(text ?? "")?.[1]?.trim();
      if (target) {
        const found = await asGitDir(fs, isAbsolute(target) ? target : join(d, target));
        if (found) return found;
      }
    } else if (dst?.isDirectory()) {
      const found = await asGitDir(fs, dotgit);
      if (found) return found;
    }
    const bare = await asGitDir(fs, d);
    if (bare) return bare;
    if (dirname(d) === d) break;
  }
  throw new UsageError(`not a git repository: ${dir}`);
}

/** A git directory has HEAD, objects/ and refs/ (objects and refs may live in `commondir`). */
async function asGitDir(fs: PromiseFsClient, candidate: string): Promise<GitDirs | null> {
  if (!(await stat(fs, join(candidate, "HEAD")))?.isFile()) return null;
  const common = (await readText(fs, join(candidate, "commondir")))?.trim();
  const gitdir = common ? resolve(candidate, common) : candidate;
  const objects = await stat(fs, join(gitdir, "objects"));
  const refs = await stat(fs, join(gitdir, "refs"));
  if (!objects?.isDirectory() || !refs?.isDirectory()) return null;
  return { gitdir, headFile: join(candidate, "HEAD") };
}

async function stat(fs: PromiseFsClient, path: string): Promise<Stat | null> {
  try {
    return (await fs.promises.stat(path)) as Stat;
  } catch (err) {
    if (isAbsent(err)) return null;
    throw err;
  }
}

export async function readText(fs: PromiseFsClient, path: string): Promise<string | null> {
  try {
    return String(await fs.promises.readFile(path, "utf8"));
  } catch (err) {
    if (isAbsent(err)) return null; // the caller decides whether that matters
    throw err;
  }
}

export function isAbsent(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
