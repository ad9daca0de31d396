import type { ScrubRepo } from "./inspect-repo.js";
import { git } from "../git/run-git.js";
import { listTreeEntries, treeRow } from "../git/trees.js";

/** Branch tips a push would publish: local branches, and origin's branches in a fresh clone. */
const isBranchTip = (ref: string) => ref.startsWith("refs/heads/") || (ref.startsWith("refs/remotes/origin/") && ref !== "refs/remotes/origin/HEAD");

const HEADER = "# Removed from history by leakguard scrub: keep these out of git";

/** The .gitignore text with the paths appended (anchored to the root), or null if all are there already. */
export function withIgnored(current: string, paths: readonly string[]): string | null {
  const have = new Set(current.split("\n").map((l) => l.trim()));
  const add = paths.map((p) => `/${p}`).filter((p) => !have.has(p) && !have.has(p.slice(1)));
  if (add.length === 0) return null;
  const base = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  return `${base}${have.has(HEADER) ? "" : `${HEADER}\n`}${add.join("\n")}\n`;
}

/**
 * `--gitignore`: amends each rewritten branch tip so that its root `.gitignore` lists the
 * dotenv paths the rewrite removed, so the next `git add .` does not bring them back. The
 * tip keeps its author, dates and message; only its tree (and so its id) changes. Works
 * on the new refs before they are published; returns the replaced tip ids (old -> new).
 */
export async function addGitignoreToTips(repo: ScrubRepo, newRefs: Map<string, string>, paths: readonly string[]): Promise<Map<string, string>> {
  const opts = { cwd: repo.dir, env: repo.env };
  const replaced = new Map<string, string>();
  if (paths.length === 0) return replaced;
  for (const [ref, tip] of newRefs) {
    if (!isBranchTip(ref)) continue;
    if (!replaced.has(tip)) {
      const entries = await listTreeEntries(tip, opts, { encoding: "latin1" });
      const existing = entries.find((e) => e.path === ".gitignore");
      const current = existing ? (await git(["cat-file", "blob", existing.oid], opts)).toString("utf8") : "";
      const text = withIgnored(current, paths);
      if (text === null) {
        replaced.set(tip, tip);
        continue;
      }
      const blob = (await git(["hash-object", "-w", "--stdin"], { ...opts, input: text })).toString().trim();
      const rows = entries.filter((e) => e !== existing).map(treeRow).concat(`100644 blob ${blob}\t.gitignore`);
      const tree = (await git(["mktree", "-z"], { ...opts, input: Buffer.from(rows.join("\0") + "\0", "latin1") })).toString().trim();
      const commit = (await git(["cat-file", "commit", tip], opts)).toString("latin1").replace(/^tree [0-9a-f]+\n/, `tree ${tree}\n`);
      const next = (await git(["hash-object", "-t", "commit", "-w", "--stdin"], { ...opts, input: Buffer.from(commit, "latin1") })).toString().trim();
      replaced.set(tip, next);
    }
    newRefs.set(ref, replaced.get(tip)!);
  }
  for (const [a, b] of [...replaced]) if (a === b) replaced.delete(a);
  return replaced;
}
