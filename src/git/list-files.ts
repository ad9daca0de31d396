import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { GitError } from "../errors.js";
import { git } from "./run-git.js";

/**
 * Settings a scanned repository's own config could use to make git run a program during
 * the git calls a scan makes, forced off on the command line (which wins over every
 * config file). For `ls-files`/`rev-parse` the live one is `core.fsmonitor` (run on every
 * index read); hooks, the pager and the ssh command are set too so that any git call
 * given these arguments stays inert. `diff.external` and textconv are not settable to
 * "off" this way (an empty value is a command to run): a diffing call passes
 * `--no-ext-diff --no-textconv` instead. Filters
 * (`filter.<driver>.clean/smudge/process`) run only when git converts content, which no
 * scan call does (the working tree is read from disk, history from raw objects).
 * `uploadpack.packObjectsHook` is honoured only from system/global config, never from the
 * repository's. Exported so that every engine can pass the same list.
 */
export const NEUTRAL_CONFIG: readonly string[] = [
  ...["core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "pager.ls-files=false"],
  ...["core.sshCommand=ssh", "core.untrackedCache=false"],
].flatMap((kv) => ["-c", kv]);

/** git said "not a git repository" and there is no `.git` anywhere above: a plain directory. */
function isPlainDirectory(err: unknown, dir: string): boolean {
  if (!(err instanceof GitError) || !/not a git repository/i.test(err.stderr)) return false;
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return false; // a repository git refuses to read: its reason stands
    if (dirname(d) === d) return true;
  }
}

/**
 * Files git would commit from this work tree: tracked plus untracked-but-not-ignored, as
 * raw bytes (a name need not be UTF-8). An ignored `.env` is exactly where a key belongs,
 * so it is not a finding. Returns null when `dir` is in no repository at all; any other
 * refusal of git's (dubious ownership, a broken index, a bad `.git`) is a GitError with
 * git's reason: falling back to walking the directory would report ignored files.
 */
export async function listCommittableFiles(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer[] | null> {
  const args = [...NEUTRAL_CONFIG, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"];
  let out: Buffer;
  try {
    out = await git(args, { cwd: dir, env });
  } catch (err) {
    if (isPlainDirectory(err, dir)) return null;
    if (err instanceof GitError) {
      const reason = err.stderr.split("\n").find((l) => l.trim() !== "")?.replace(/^(fatal|error): /, "") ?? `exit ${err.exitCode}`;
      throw new GitError(`git refused to list the files of ${dir}: ${reason}`, err.exitCode, err.stderr);
    }
    throw err;
  }
  const paths: Buffer[] = [];
  for (let start = 0, end = out.indexOf(0); end !== -1; start = end + 1, end = out.indexOf(0, start)) {
    if (end > start) paths.push(out.subarray(start, end));
  }
  return paths;
}

/** Number of commits a full-history scan will walk, for the progress bar's total. */
export async function countAllCommits(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  const out = await git(["rev-list", "--count", "--all"], { cwd: dir, env }).catch(() => null);
  return out === null ? null : Number(out.toString().trim()) || null;
}
