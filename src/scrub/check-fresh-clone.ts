import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ScrubRepo } from "./inspect-repo.js";
import { listRefOids } from "../git/refs.js";
import { git, gitText } from "../git/run-git.js";

/**
 * git-filter-repo's sanity_check, in our words: a rewrite is safe to try in a fresh clone,
 * because if anything looks wrong afterwards you delete the clone and clone again. Each
 * returned reason says why this repository is not one; empty means it looks fresh.
 */
export async function checkFreshClone(repo: ScrubRepo): Promise<string[]> {
  const opts = { cwd: repo.dir, env: repo.env };
  const reasons: string[] = [];
  // Independent read-only questions, asked at once.
  const [countObjects, remoteList, tips, staged, unstaged, untracked, worktreeList] = await Promise.all([
    gitText(["count-objects", "-v"], opts),
    gitText(["remote"], opts),
    listRefOids(opts),
    repo.bare ? false : failsQuietly(["diff", "--staged", "--quiet"], opts),
    repo.bare ? false : failsQuietly(["diff", "--quiet"], opts),
    repo.bare ? "" : gitText(["ls-files", "-o", "--exclude-standard"], opts),
    repo.bare ? "" : gitText(["worktree", "list", "--porcelain"], opts),
  ]);
  const stats = Object.fromEntries(countObjects.trim().split("\n").map((l) => l.split(": ") as [string, string]));
  const packs = Number(stats["packs"]);
  const loose = Number(stats["count"]);
  // A clone of fewer than 100 objects may stay unpacked (transfer.unpackLimit).
  if (packs > 1 || (packs === 1 && loose > 0) || loose >= 100) reasons.push("its objects are not freshly packed (work happened here since it was cloned)");
  const remotes = remoteList.trim();
  if (!(remotes === "origin" || (packs === 0 && remotes === ""))) reasons.push("it does not have exactly one remote named origin");
  const busyLog = reflogsWithHistory(join(repo.gitDir, "logs"));
  if (busyLog) reasons.push(`its reflog for ${busyLog} has more than one entry (local history that a re-clone would not bring back)`);
  if (tips.has("refs/stash")) reasons.push("it has stashed changes");
  if (!repo.bare) {
    if (staged) reasons.push("it has staged, uncommitted changes");
    if (unstaged) reasons.push("it has unstaged changes");
    if (untracked.trim()) reasons.push("it has untracked files");
    for (const [ref, oid] of tips) {
      if (!ref.startsWith("refs/heads/")) continue;
      const upstream = ref.replace("refs/heads/", "refs/remotes/origin/");
      if (tips.get(upstream) !== oid) reasons.push(`branch ${ref.slice(11)} differs from origin (unpushed or unfetched work)`);
    }
    if (worktreeList.split("\n").filter((l) => l.startsWith("worktree ")).length > 1) reasons.push("it has more than one worktree");
  }
  return reasons;
}

async function failsQuietly(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<boolean> {
  return git(args, opts).then(
    () => false,
    () => true,
  );
}

function reflogsWithHistory(dir: string, prefix = ""): string | null {
  if (!existsSync(dir)) return null; // no reflogs at all (a bare mirror)
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(path).isDirectory()) {
      const found = reflogsWithHistory(path, rel);
      if (found) return found;
    } else if (readFileSync(path, "latin1").split("\n").filter(Boolean).length > 1) return rel;
  }
  return null;
}
