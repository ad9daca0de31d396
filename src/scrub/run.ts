import { rmSync } from "node:fs";
import type { Finding } from "../findings/finding.js";
import type { FilterReport } from "./filter.js";
import type { RepoInfo } from "./inspect-repo.js";
import type { RefChange } from "./apply-rewrite.js";
import type { ScrubOptions, ScrubPlan } from "./plan.js";
import { UsageError } from "../errors.js";
import { scanHistory } from "../findings/scan-history.js";
import { createNativeEngine } from "../git/native/engine.js";
import { gitText } from "../git/run-git.js";
import { dropOldObjects, listRefs, updateRefs, writeBackupBundle } from "./apply-rewrite.js";
import { checkFreshClone } from "./check-fresh-clone.js";
import { addGitignoreToTips } from "./gitignore-tips.js";
import { inspectRepo } from "./inspect-repo.js";
import { isTarget, planScrub } from "./plan.js";
import { findKeyedTemplates } from "./find-keyed-templates.js";
import { rewriteHistory } from "./rewrite-history.js";
import { syncWorktree } from "./sync-worktree.js";
import { buildCommitMap, writeArtifacts } from "./write-artifacts.js";

export type ScrubPhase = "rewrite" | "verify";

export interface ScrubRequest extends ScrubOptions {
  repoPath: string;
  dryRun: boolean;
  /** Required to rewrite; without it the run is a preview. */
  yes: boolean;
  force: boolean;
  env: NodeJS.ProcessEnv;
  onProgress?: (phase: ScrubPhase, done: number, total: number) => void;
}

export interface ScrubResult {
  repo: RepoInfo;
  outcome: "nothing-to-do" | "preview" | "unchanged" | "rewritten";
  plan: ScrubPlan;
  /** Why this does not look like a fresh clone (empty when it does). */
  freshCloneProblems: string[];
  report: FilterReport | null;
  changedRefs: RefChange[];
  bundle: string | null;
  artifactsDir: string | null;
  commitMap: Map<string, string>;
  /** Old ids where the rewrite begins, with their new ids. */
  firstChanged: Array<{ old: string; new: string | null }>;
  /** Pull-request refs: on GitHub they keep the old history until support removes them. */
  pullRefs: number;
  worktree: { mode: "reset" | "index-only"; kept: string[] } | null;
  /** What a scan of the rewritten history still finds (redacted). */
  remaining: Finding[] | null;
  hasRemote: boolean;
}

/** Scans what the refs reach now; the selection names the tips so that only reachable blobs are read. */
async function scanTips(repo: RepoInfo, refs: Map<string, string>, onProgress: ScrubRequest["onProgress"], total: number): Promise<Finding[]> {
  const tips = [...new Set(refs.values())];
  if (tips.length === 0) return [];
  const engine = createNativeEngine(repo.dir, repo.env);
  return (await scanHistory({ engine, selection: { include: tips }, onProgress: (p) => onProgress?.("verify", p.commits, total) })).findings;
}

/** Nothing in the history is a key, a dotenv file or a binary holding a key. */
const nothingFound = (r: FilterReport) => r.keys.length + r.deletedPaths.length + r.binaryWithKeys.length + r.messagesRedacted === 0;

/** The whole `leakguard scrub`: check, scan, plan, rewrite (or preview), verify. */
export async function runScrub(req: ScrubRequest): Promise<ScrubResult> {
  const repo = await inspectRepo(req.repoPath, req.env);
  const opts = { cwd: repo.dir, env: repo.env };
  const rewriting = req.yes && !req.dryRun;
  const freshCloneProblems = await checkFreshClone(repo);
  if (rewriting && freshCloneProblems.length && !req.force) {
    const more = freshCloneProblems.length > 1 ? ` (and ${freshCloneProblems.length - 1} more)` : "";
    throw new UsageError(
      `refusing to rewrite history: this does not look like a fresh clone: ${freshCloneProblems[0]}${more}. ` +
        "Scrub a fresh clone (git clone --no-local SRC COPY), so that a mistake costs only a re-clone, or pass --force",
    );
  }
  // Read-only look-ups run side by side.
  const [oldRefs, total, remotes, templates] = await Promise.all([
    listRefs(repo),
    // The count only feeds a progress bar: skip its walk when nobody watches.
    req.onProgress ? gitText(["rev-list", "--all", "--count"], opts).then((n) => Number(n.trim()), () => 0) : 0,
    gitText(["remote"], opts),
    findKeyedTemplates(createNativeEngine(repo.dir, repo.env)),
  ]);
  const plan = planScrub(req, templates);
  const result: ScrubResult = {
    repo, outcome: "nothing-to-do", plan, freshCloneProblems, report: null, changedRefs: [], bundle: null, artifactsDir: null,
    commitMap: new Map(), firstChanged: [], pullRefs: [...oldRefs.keys()].filter((r) => r.startsWith("refs/pull/")).length,
    worktree: null, remaining: null, hasRemote: remotes.split("\n").includes("origin"),
  };
  if (oldRefs.size === 0) return result;

  let done = 0;
  const onCommit = () => req.onProgress?.("rewrite", ++done, total);
  if (!rewriting) {
    const { report } = await rewriteHistory(repo, plan, { dryRun: true, onCommit });
    if (nothingFound(report)) return { ...result, report };
    return { ...result, outcome: "preview", report, firstChanged: report.firstChanged.map((old) => ({ old, new: null })) };
  }

  const clean = !repo.bare && !freshCloneProblems.some((p) => /uncommitted|unstaged|untracked/.test(p));
  // The bundle reads the old objects while the rewrite adds new ones: neither moves a ref,
  // so they run side by side; refs move only once both are done.
  const [bundle, { report, newRefs, marks }] = await Promise.all([writeBackupBundle(repo), rewriteHistory(repo, plan, { dryRun: false, onCommit })]);
  result.report = report;
  // Only refs whose content changed move. fast-import drops signatures, so an untouched
  // signed branch comes back with new ids: it keeps its old (signed, clean) commits instead.
  const changed = new Set(report.changedRefs);
  const moving = new Map([...newRefs].filter(([ref]) => changed.has(ref)));
  const ignored = req.gitignore ? report.deletedPaths.filter((d) => d.dotenv).map((d) => d.path) : [];
  const amendedTips = await addGitignoreToTips(repo, moving, ignored);
  result.changedRefs = await updateRefs(repo, oldRefs, moving);
  if (result.changedRefs.length === 0) {
    rmSync(bundle, { force: true }); // nothing moved: the repository is its own backup
    return { ...result, outcome: nothingFound(report) ? "nothing-to-do" : "unchanged" };
  }
  result.bundle = bundle;
  result.commitMap = buildCommitMap(report.commitMarks, marks, amendedTips);
  result.firstChanged = report.firstChanged.map((old) => ({ old, new: result.commitMap.get(old) ?? null }));
  result.artifactsDir = writeArtifacts(repo, result.commitMap, result.changedRefs, report.firstChanged).dir;
  // The re-scan reads only what the refs now reach, so it can start at once, alongside
  // the work-tree reset and gc (which deletes only what no ref reaches).
  const verifying = listRefs(repo).then((refs) => scanTips(repo, refs, req.onProgress, total));
  verifying.catch(() => {}); // awaited below; this only keeps an early failure elsewhere from orphaning it
  if (!repo.bare) result.worktree = await syncWorktree(repo, clean);
  const [after] = await Promise.all([verifying, dropOldObjects(repo)]);
  result.remaining = after.filter((f) => isTarget(f, req.includeTestKeys));
  return { ...result, outcome: "rewritten" };
}
