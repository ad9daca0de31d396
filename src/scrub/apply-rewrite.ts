import { join } from "node:path";
import type { RepoInfo } from "./inspect-repo.js";
import { git, gitText } from "../git/run-git.js";

export interface RefChange {
  ref: string;
  old: string;
  new: string;
}

/** Every ref (and a detached HEAD) with the object it points at. */
export async function listRefs(repo: RepoInfo): Promise<Map<string, string>> {
  const opts = { cwd: repo.dir, env: repo.env };
  const refs = new Map<string, string>();
  for (const line of (await gitText(["for-each-ref", "--format=%(objectname) %(refname)"], opts)).split("\n")) {
    if (line) refs.set(line.slice(line.indexOf(" ") + 1), line.slice(0, line.indexOf(" ")));
  }
  if (!(await gitText(["symbolic-ref", "-q", "HEAD"], opts).catch(() => "")).trim()) {
    const head = (await gitText(["rev-parse", "--verify", "-q", "HEAD"], opts).catch(() => "")).trim();
    if (head) refs.set("HEAD", head);
  }
  return refs;
}

/**
 * The old history, kept recoverable OUTSIDE the repository: a bundle beside it. Not a ref
 * inside it, because `git push --mirror` would then send the old history straight back.
 */
export async function writeBackupBundle(repo: RepoInfo, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const path = join(repo.besideDir, `${repo.name}.leakguard-backup-${stamp}.bundle`);
  await git(["bundle", "create", "-q", path, "--all"], { cwd: repo.dir, env: repo.env });
  return path;
}

/**
 * Moves every rewritten ref in ONE `update-ref --stdin` transaction, each guarded by its
 * old value: all refs move or none do, and a ref someone moved meanwhile aborts it all.
 * Leftover `refs/original/` backups (from filter-branch) would keep the old history alive.
 */
export async function updateRefs(repo: RepoInfo, oldRefs: Map<string, string>, newRefs: Map<string, string>): Promise<RefChange[]> {
  const changes: RefChange[] = [];
  let input = "";
  for (const [ref, next] of newRefs) {
    const old = oldRefs.get(ref);
    if (old === undefined || old === next) continue;
    changes.push({ ref, old, new: next });
    input += ref === "HEAD" ? `option no-deref\nupdate HEAD ${next} ${old}\n` : `update ${ref} ${next} ${old}\n`;
  }
  for (const [ref, old] of oldRefs) if (ref.startsWith("refs/original/")) input += `delete ${ref} ${old}\n`;
  if (input) await git(["update-ref", "--stdin"], { cwd: repo.dir, env: repo.env, input });
  return changes.sort((a, b) => a.ref.localeCompare(b.ref));
}

/**
 * Forgets the old objects: reflogs would keep them reachable; `repack -a -d` then writes
 * one pack of what refs, reflogs and the index reach and deletes the old packs, and
 * `prune` deletes loose leftovers. The part of `gc --prune=now` that matters, in two
 * processes instead of seven.
 */
export async function dropOldObjects(repo: RepoInfo): Promise<void> {
  const opts = { cwd: repo.dir, env: repo.env };
  await git(["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"], opts);
  await git(["repack", "-a", "-d", "-q"], opts);
  await git(["prune", "--expire=now"], opts);
}
