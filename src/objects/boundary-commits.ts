import { gitText } from "../git/run-git.js";

// What a push or a range builds on (issue 11): findings/already-present.ts asks their
// trees whether a key found in the push was already held.

/**
 * The boundary commits of `include --not <exclude>` (or `--not --all` for a push), in
 * git's order: with the hook's quarantine environment, so that the pushed commits are seen.
 */
export async function boundaryCommits(dir: string, env: NodeJS.ProcessEnv, include: readonly string[], exclude: readonly string[] | "all"): Promise<string[]> {
  const not = exclude === "all" ? ["--not", "--all"] : ["--not", ...exclude];
  const out = await gitText(["rev-list", "--boundary", ...include, ...not, "--"], { cwd: dir, env });
  return out.split("\n").filter((l) => l.startsWith("-")).map((l) => l.slice(1).trim());
}
