import git from "isomorphic-git";
import type { Repo } from "./repo.js";
import { readRaw } from "./repo.js";
import { parseCommit } from "./parse-commit.js";
import { readText } from "./find-git-dir.js";
import { resolveRefText } from "./list-refs.js";
import { UsageError } from "../../errors.js";

// The subset of gitrevisions(7) a scan needs: full or abbreviated ids, ref names resolved
// the way git does (`v1` -> refs/tags/v1, `main` -> refs/heads/main, …), and `~n`, `^n`,
// `^{commit}`, `^{}` suffixes.

const DWIM = ["%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"];
const SUFFIX = /(~\d*|\^\d*|\^\{(?:commit|)\})$/;

/** The object `rev` names, not peeled (a tag name gives the tag object); null if none. */
export async function resolveObject(repo: Repo, rev: string): Promise<string | null> {
  if (rev === "HEAD") return resolveRefText(repo, (await readText(repo.fs, repo.headFile))?.trim() ?? "");
  if (/^[0-9a-f]{40}$/.test(rev)) return (await readRaw(repo, rev)) ? rev : null;
  if (!rev.includes("..") && !rev.startsWith("/") && !rev.includes("\\")) {
    for (const rule of DWIM) {
      const name = rule.replace("%s", rev);
      if (rule === "%s" && !/^([A-Z_]+|refs\/.+)$/.test(name)) continue; // full names and HEAD-like ones
      const oid = await resolveRefText(repo, `ref: ${name}`);
      if (oid) return oid;
    }
  }
  if (/^[0-9a-f]{4,39}$/.test(rev)) {
    try {
      return await git.expandOid({ fs: repo.fs, gitdir: repo.gitdir, oid: rev, cache: repo.cache });
    } catch (err) {
      if ((err as { code?: string }).code === "AmbiguousError") throw new UsageError(`ambiguous revision: ${rev}`);
      return null;
    }
  }
  return null;
}

/** Resolves a revision to a commit id; UsageError when it names no commit. */
export async function resolveCommit(repo: Repo, rev: string): Promise<string> {
  if (rev.startsWith("-")) throw new UsageError(`not a revision: ${rev}`);
  const unknown = () => new UsageError(`unknown revision: ${rev}`);
  const ops: string[] = [];
  let base = rev;
  for (let m = SUFFIX.exec(base); m && m.index > 0; m = SUFFIX.exec(base)) {
    ops.unshift(m[1]!);
    base = base.slice(0, m.index);
  }
  const start = await resolveObject(repo, base);
  if (!start) throw unknown();
  let oid = await peelToCommit(repo, start);
  for (const op of ops) {
    if (!oid) break;
    if (op.startsWith("^{")) continue; // already peeled
    const n = op.length > 1 ? Number(op.slice(1)) : 1;
    if (op[0] === "~") {
      for (let i = 0; i < n && oid; i++) oid = (await parents(repo, oid))[0] ?? null;
    } else if (n > 0) {
      oid = (await parents(repo, oid))[n - 1] ?? null;
    }
  }
  if (!oid) throw unknown();
  return oid;
}

/** Follows annotated tags down to a commit; null when the object is not (or holds no) commit. */
export async function peelToCommit(repo: Repo, oid: string): Promise<string | null> {
  for (let depth = 0; depth < 16; depth++) {
    const obj = await readRaw(repo, oid);
    if (!obj) return null;
    if (obj.type === "commit") return oid;
    if (obj.type !== "tag") return null;
    const target = /^object ([0-9a-f]{40})$/m.exec(obj.bytes.subarray(0, 200).toString("latin1"))?.[1];
    if (!target) return null;
    oid = target;
  }
  return null;
}

async function parents(repo: Repo, oid: string): Promise<string[]> {
  if (repo.shallow.has(oid)) return [];
  const obj = await readRaw(repo, oid);
  return obj?.type === "commit" ? parseCommit(obj.bytes).parents : [];
}

