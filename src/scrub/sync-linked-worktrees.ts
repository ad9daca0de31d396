import { existsSync } from "node:fs";
import type { ScrubRepo } from "./inspect-repo.js";
import { git, gitText } from "../git/run-git.js";

export interface LinkedWorktree {
  path: string;
  /** index-only: its branch moved and its index followed; detached: its HEAD still names an old commit. */
  mode: "index-only" | "detached";
}

/**
 * A linked worktree (`git worktree add`) has its own HEAD and index, which fast-export does
 * not see: its index keeps naming the removed blobs, and gc keeps what an index names. Its
 * index is moved to its (rewritten) branch, as for a main work tree with local changes:
 * nothing on disk is touched. A detached HEAD cannot be moved: it is reported.
 */
export async function syncLinkedWorktrees(repo: ScrubRepo): Promise<LinkedWorktree[]> {
  const list = await gitText(["worktree", "list", "--porcelain"], { cwd: repo.dir, env: repo.env });
  const blocks = list.split("\n\n").map((b) => b.split("\n")).slice(1); // the first is the main one
  const linked: LinkedWorktree[] = [];
  for (const lines of blocks) {
    const path = lines.find((l) => l.startsWith("worktree "))?.slice(9);
    if (!path || !existsSync(path) || lines.includes("bare")) continue;
    if (lines.includes("detached")) {
      linked.push({ path, mode: "detached" });
      continue;
    }
    await git(["reset", "-q", "--mixed"], { cwd: path, env: repo.env });
    linked.push({ path, mode: "index-only" });
  }
  return linked;
}
