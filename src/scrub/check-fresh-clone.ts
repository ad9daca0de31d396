import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RepoInfo } from "./inspect-repo.js";
import { git, gitText } from "../git/run-git.js";

/**
 * git-filter-repo's sanity_check, in our words: a rewrite is safe to try in a fresh clone,
 * because if anything looks wrong afterwards you delete the clone and clone again. Each
 * returned reason says why this repository is not one; empty means it looks fresh.
 */
export async function checkFreshClone(repo: RepoInfo): Promise<string[]> {
  const opts = { cwd: repo.dir, env: repo.env };
  const reasons: string[] = [];
  const stats = Object.fromEntries(
    (await gitText(["count-objects", "-v"], opts)).trim().split("\n").map((l) => l.split(": ") as [string, string]),
  );
  const packs = Number(stats["packs"]);
  const loose = Number(stats["count"]);
  // A clone of fewer than 100 objects may stay unpacked (transfer.unpackLimit).
  if (packs > 1 || (packs === 1 && loose > 0) || loose >= 100) reasons.push("its objects are not freshly packed (work happened here since it was cloned)");
  const remotes = (await gitText(["remote"], opts)).trim();
  if (!(remotes === "origin" || (packs === 0 && remotes === ""))) reasons.push("it does not have exactly one remote named origin");
  const busyLog = reflogsWithHistory(join(repo.gitDir, "logs"));
  if (busyLog) reasons.push(`its reflog for ${busyLog} has more than one entry (local history that a re-clone would not bring back)`);
  const refs = (await gitText(["for-each-ref", "--format=%(objectname) %(refname)"], opts)).trim().split("\n").filter(Boolean);
  const tips = new Map(refs.map((l) => [l.slice(l.indexOf(" ") + 1), l.slice(0, l.indexOf(" "))]));
  if (tips.has("refs/stash")) reasons.push("it has stashed changes");
  if (!repo.bare) {
    if (await failsQuietly(["diff", "--staged", "--quiet"], opts)) reasons.push("it has staged, uncommitted changes");
    if (await failsQuietly(["diff", "--quiet"], opts)) reasons.push("it has unstaged changes");
    if ((await gitText(["ls-files", "-o", "--exclude-standard"], opts)).trim()) reasons.push("it has untracked files");
    for (const [ref, oid] of tips) {
      if (!ref.startsWith("refs/heads/")) continue;
      const upstream = ref.replace("refs/heads/", "refs/remotes/origin/");
      if (tips.get(upstream) !== oid) reasons.push(`branch ${ref.slice(11)} differs from origin (unpushed or unfetched work)`);
    }
    const worktrees = (await gitText(["worktree", "list", "--porcelain"], opts)).split("\n").filter((l) => l.startsWith("worktree "));
    if (worktrees.length > 1) reasons.push("it has more than one worktree");
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
