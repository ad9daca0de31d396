import { git } from "./run-git.js";

/**
 * Files git would commit from this work tree: tracked plus untracked-but-not-ignored.
 * An ignored `.env` is exactly where a key belongs, so it is not a finding.
 * Returns null when `dir` is not inside a work tree.
 */
export async function listCommittableFiles(dir: string): Promise<string[] | null> {
  const out = await git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"], { cwd: dir }).catch(() => null);
  if (out === null) return null;
  return out.toString("utf8").split("\0").filter(Boolean);
}

/** Number of commits a full-history scan will walk, for the progress bar's total. */
export async function countAllCommits(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  const out = await git(["rev-list", "--count", "--all"], { cwd: dir, env }).catch(() => null);
  return out === null ? null : Number(out.toString().trim()) || null;
}
