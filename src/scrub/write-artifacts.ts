import { join } from "node:path";
import type { ScrubRepo } from "./inspect-repo.js";
import type { RefChange } from "./apply-rewrite.js";
import { makePrivateDir, writePrivateFile } from "./write-private-file.js";

export interface Artifacts {
  dir: string;
  commitMap: string;
  /** old id -> new id for every rewritten commit. */
  map: Map<string, string>;
}

/** Pairs each commit's original id (from --show-original-ids) with its new id (after any --gitignore amend). */
export function buildCommitMap(commitMarks: Map<number, string>, marks: Map<number, string>, amended = new Map<string, string>()): Map<string, string> {
  const map = new Map<string, string>();
  for (const [mark, old] of commitMarks) {
    const next = marks.get(mark);
    if (next) map.set(old, amended.get(next) ?? next);
  }
  return map;
}

/**
 * Records the rewrite where git-filter-repo keeps its own (`.git/filter-repo/`): the commit
 * map and ref map a forge's support team or a collaborator needs, and the first changed
 * commits (the old ids whose cached views must be purged). The commit map lists only the
 * commits whose id changed (every other commit keeps its id), each with why: `removal`
 * (it held something scrub removed) or `ancestry` (only an ancestor did). Its first two
 * columns are filter-repo's format.
 */
export function writeArtifacts(repo: ScrubRepo, map: Map<string, string>, refs: RefChange[], firstChanged: string[], holding: ReadonlySet<string> = new Set()): Artifacts {
  const dir = artifactsDir(repo);
  const commitMap = join(dir, "commit-map");
  const rows = [...map].map(([o, n]) => `${o} ${n} ${holding.has(o) ? "removal" : "ancestry"}`);
  writePrivateFile(commitMap, ["old new cause", ...rows, ""].join("\n"));
  writePrivateFile(join(dir, "ref-map"), ["old new ref", ...refs.map((r) => `${r.old} ${r.new} ${r.ref}`), ""].join("\n"));
  writePrivateFile(join(dir, "first-changed-commits"), firstChanged.map((c) => `${c} ${map.get(c) ?? ""}`.trim()).join("\n") + "\n");
  return { dir, commitMap, map };
}

/** `.git/leakguard-scrub/` (0700): records, the resume state and fast-import's scratch dirs. */
export function artifactsDir(repo: ScrubRepo): string {
  return makePrivateDir(join(repo.gitDir, "leakguard-scrub"));
}
