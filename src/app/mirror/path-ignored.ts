import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { childEnv } from "../child-env.js";
import { git, gitText } from "../../git/run-git.js";
import { listTreeEntries } from "../../git/trees.js";
import { GitError } from "../../errors.js";

// "Is this dotenv path ignored now?", asked of the .gitignore files at a commit of a bare
// mirror: git check-ignore needs a work tree, so the few .gitignore files on the path's
// ancestors are written to a temporary one and git answers with its own rules.

function ancestorsIgnoreFiles(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  const files = [".gitignore"];
  for (let i = 1; i <= parts.length; i++) files.push(`${parts.slice(0, i).join("/")}/.gitignore`);
  return files;
}

export async function isPathIgnored(dir: string, commit: string, path: string): Promise<boolean> {
  const listing = await listTreeEntries(commit, { cwd: dir, env: childEnv() }, { paths: ancestorsIgnoreFiles(path) });
  const work = mkdtempSync(join(tmpdir(), "leakguard-ignore-"));
  try {
    for (const entry of listing) {
      const file = join(work, entry.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, await git(["cat-file", "blob", entry.oid], { cwd: dir, env: childEnv() }));
    }
    const gitDir = (await gitText(["rev-parse", "--absolute-git-dir"], { cwd: dir, env: childEnv() })).trim();
    await git(["--git-dir", gitDir, "--work-tree", work, "-c", "core.excludesFile=/dev/null", "check-ignore", "--no-index", "-q", "--", path], { cwd: work, env: childEnv() });
    return true;
  } catch (err) {
    if (err instanceof GitError && err.exitCode === 1) return false; // check-ignore: not ignored
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
