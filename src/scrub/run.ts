import { readdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { FilterReport } from "./filter.js";
import type { ScrubRepo } from "./inspect-repo.js";
import type { RefChange } from "./apply-rewrite.js";
import type { ScrubOptions, ScrubPlan } from "./plan.js";
import type { ObjectRef, ObjectRefOutcome } from "./rewrite-object-refs.js";
import type { StashEntry } from "./keep-stashes.js";
import type { LinkedWorktree } from "./sync-linked-worktrees.js";
import type { ScrubState } from "./scrub-state.js";
import type { HeldObject } from "./sweep-objects.js";
import { UsageError } from "../errors.js";
import { isStripeKey } from "../vocabulary/index.js";
import { fingerprint } from "../findings/fingerprint.js";
import { redact } from "../findings/redact.js";
import { createNativeEngine } from "../git/native/engine.js";
import { listRefOids, listRefsAndHead } from "../git/refs.js";
import { gitText } from "../git/run-git.js";
import { dropOldObjects, updateRefs, writeBackupBundle } from "./apply-rewrite.js";
import { checkFreshClone } from "./check-fresh-clone.js";
import { findLeftovers } from "./find-leftovers.js";
import { addGitignoreToTips } from "./gitignore-tips.js";
import { inspectRepo } from "./inspect-repo.js";
import { listStashes, pinStashes, STASH_PIN, unpinStashes } from "./keep-stashes.js";
import { planScrub } from "./plan.js";
import { findKeyedTemplates } from "./find-keyed-templates.js";
import { rewriteHistory } from "./rewrite-history.js";
import { rewriteObjectRefs } from "./rewrite-object-refs.js";
import { keysIn } from "./remove-keys.js";
import { clearState, readState, writeState } from "./scrub-state.js";
import { sweepObjects } from "./sweep-objects.js";
import { syncLinkedWorktrees } from "./sync-linked-worktrees.js";
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

/** What the final re-scan still finds in the object store, redacted, with where it is held. */
export interface Leftover {
  rule: string;
  shown: string;
  where: string;
}

export interface ScrubResult {
  repo: ScrubRepo;
  /** pruned: no ref had to change, but unreachable objects held keys and are gone now. */
  outcome: "nothing-to-do" | "preview" | "unchanged" | "rewritten" | "pruned";
  plan: ScrubPlan;
  /** Why this does not look like a fresh clone (empty when it does). */
  freshCloneProblems: string[];
  report: Omit<FilterReport, "commitMarks" | "holdingMarks"> | null;
  /** Refs holding a blob or a tree directly (or through tags): fast-export skips them. */
  objectRefs: ObjectRef[];
  changedRefs: RefChange[];
  bundle: string | null;
  artifactsDir: string | null;
  commitMap: Map<string, string>;
  /** Old ids where the rewrite begins, with their new ids. */
  firstChanged: Array<{ old: string; new: string | null }>;
  /** Pull-request refs: on GitHub they keep the old history until support removes them. */
  pullRefs: number;
  /** refs/replace/*: read as plain refs (replace objects are off) and rewritten like any other. */
  replaceRefs: string[];
  /** Stash entries kept (rewritten) under --force. */
  stashes: number;
  worktree: { mode: "reset" | "index-only"; kept: string[] } | null;
  linkedWorktrees: LinkedWorktree[];
  /** What a read of every object in the store still finds (redacted); null when not re-scanned. */
  remaining: Leftover[] | null;
  /** Objects outside every ref's history that hold keys (a preview: --yes prunes them). */
  unreachable: number;
  hasRemote: boolean;
  /** Backups of earlier runs beside the repository: each still holds the keys. */
  oldBundles: string[];
  /** This run finished a run that was killed after its refs had moved. */
  resumed: boolean;
  /** An earlier run moved the refs but did not finish (a preview says how to finish it). */
  pendingResume: boolean;
  /** A step after the refs moved failed: its reason. The report still stands; re-run to finish. */
  unfinished: string | null;
}

const nothingFound = (r: FilterReport, o: ObjectRef[]) =>
  r.keys.length + r.deletedPaths.length + r.binaryWithKeys.length + r.messagesRedacted === 0 && o.every((x) => x.action === "unchanged");

/** Adds the keys removed from refs to blobs and trees to the report's tally. */
function mergeObjectRefs(report: FilterReport, { refs: objectRefs, secrets, deletedPaths, blobsChanged }: ObjectRefOutcome): FilterReport {
  const keys = new Map(report.keys.map((k) => [k.fingerprint, { ...k }]));
  for (const s of secrets) {
    const fp = fingerprint(s);
    const rule = keysIn(Buffer.from(s, "latin1"), true)[0]?.rule;
    const k = keys.get(fp) ?? { redacted: redact(s), fingerprint: fp, blobs: 0, messages: 0, ...(rule && !isStripeKey(rule) ? { rule } : {}) };
    k.blobs++;
    keys.set(fp, k);
  }
  const deleted = [...report.deletedPaths];
  for (const p of new Set(deletedPaths)) if (!deleted.some((d) => d.path === p)) deleted.push({ path: p, commits: 0, dotenv: true });
  const changedRefs = [...report.changedRefs, ...objectRefs.filter((o) => o.action === "cleaned" || o.action === "deleted").map((o) => o.ref)];
  return { ...report, blobsChanged: report.blobsChanged + blobsChanged.size, keys: [...keys.values()], deletedPaths: deleted, changedRefs: changedRefs.filter((r) => !r.startsWith(STASH_PIN)).sort() };
}

/** The whole `leakguard scrub`: check, plan, rewrite (or preview), move refs, finish, verify. */
export async function runScrub(req: ScrubRequest): Promise<ScrubResult> {
  const repo = await inspectRepo(req.repoPath, req.env);
  const opts = { cwd: repo.dir, env: repo.env };
  const rewriting = req.yes && !req.dryRun;
  const oldBundles = findLeftovers(repo);
  const remotes = await gitText(["remote"], opts);
  const base: ScrubResult = {
    repo, outcome: "nothing-to-do", plan: planScrub(req), freshCloneProblems: [], report: null, objectRefs: [], changedRefs: [], bundle: null,
    artifactsDir: null, commitMap: new Map(), firstChanged: [], pullRefs: 0, replaceRefs: [], stashes: 0, worktree: null, linkedWorktrees: [],
    remaining: null, unreachable: 0, hasRemote: remotes.split("\n").includes("origin"), oldBundles, resumed: false, pendingResume: false, unfinished: null,
  };

  // A run killed after its refs moved is finished first, whatever else this run was asked.
  const pending = await readState(repo);
  if (pending) {
    const resumed = { ...base, oldBundles: oldBundles.filter((b) => b !== pending.bundle), report: pending.report, objectRefs: pending.objectRefs, changedRefs: pending.changes, bundle: pending.bundle, firstChanged: pending.firstChanged };
    if (!rewriting) return { ...resumed, outcome: "preview", pendingResume: true };
    return finishRewrite(repo, pending, { ...resumed, resumed: true, artifactsDir: join(repo.gitDir, "leakguard-scrub"), stashes: pending.stashes.length }, req);
  }

  const freshCloneProblems = await checkFreshClone(repo);
  if (rewriting && freshCloneProblems.length && !req.force) {
    const more = freshCloneProblems.length > 1 ? ` (and ${freshCloneProblems.length - 1} more)` : "";
    throw new UsageError(
      `refusing to rewrite history: this does not look like a fresh clone: ${freshCloneProblems[0]}${more}. ` +
        "Scrub a fresh clone (git clone --no-local SRC COPY), so that a mistake costs only a re-clone, or pass --force",
    );
  }
  const stashes = listStashes(repo);
  let bundle: string | null = null;
  let refsMoved = false;
  try {
    if (rewriting) await pinStashes(repo, stashes); // also drops pins a killed run left
    // Read-only look-ups run side by side.
    const [oldRefs, total, templates] = await Promise.all([
      listRefsAndHead(opts),
      // The count only feeds a progress bar: skip its walk when nobody watches.
      req.onProgress ? gitText(["rev-list", "--all", "--count"], opts).then((n) => Number(n.trim()), () => 0) : 0,
      findKeyedTemplates(createNativeEngine(repo.dir, repo.env)),
    ]);
    const plan = planScrub(req, templates);
    const refNames = [...oldRefs.keys()];
    const result: ScrubResult = {
      ...base, plan, freshCloneProblems, pullRefs: refNames.filter((r) => r.startsWith("refs/pull/")).length,
      replaceRefs: refNames.filter((r) => r.startsWith("refs/replace/")), stashes: stashes.length,
    };
    if (oldRefs.size === 0) return result;
    const objectRefs = await rewriteObjectRefs(repo, plan, rewriting);
    result.objectRefs = objectRefs.refs;
    const exportRefs = [...objectRefs.commitRefs, ...(oldRefs.has("HEAD") ? ["HEAD"] : [])];

    let done = 0;
    const onCommit = () => req.onProgress?.("rewrite", ++done, total);
    if (!rewriting) {
      // A preview moves no ref, so the stash entries go in by id (fast-export names them so;
      // nothing is imported): their keys are counted like the rest.
      const stashIds = stashes.map((st) => st.old);
      const { report } = await rewriteHistory(repo, plan, { dryRun: true, refs: [...exportRefs, ...stashIds], onCommit });
      report.changedRefs = report.changedRefs.filter((ref) => !stashIds.includes(ref));
      const merged = mergeObjectRefs(report, objectRefs);
      const firstChanged = report.firstChanged.map((old) => ({ old, new: null }));
      if (merged.changedRefs.length) return { ...result, outcome: "preview", report: merged, firstChanged };
      // No ref would change: still never "nothing to remove" while some object holds a key
      // (an earlier run killed during its gc leaves exactly that).
      const held = await unreachable(repo, await sweepObjects(repo, req.includeTestKeys));
      const outcome = held.length || !nothingFound(report, objectRefs.refs) ? "preview" : "nothing-to-do";
      return { ...result, report: merged, outcome, unreachable: held.length, firstChanged };
    }

    const clean = !repo.bare && !freshCloneProblems.some((p) => /uncommitted|unstaged|untracked/.test(p));
    // The bundle reads the old objects while the rewrite adds new ones: neither moves a ref,
    // so they run side by side; refs move only once both are done.
    const [bundled, rewritten] = await Promise.allSettled([writeBackupBundle(repo), rewriteHistory(repo, plan, { dryRun: false, refs: exportRefs, onCommit })]);
    if (bundled.status === "rejected") throw bundled.reason;
    const backup = (bundle = bundled.value);
    if (rewritten.status === "rejected") throw rewritten.reason;
    const { report, newRefs, marks } = rewritten.value;
    result.report = mergeObjectRefs(report, objectRefs);
    // Only refs whose content changed move (the filter sends fast-import nothing else: an
    // untouched commit keeps its id and signature, and a rewritten one names it by id).
    const changed = new Set(report.changedRefs);
    const moving = new Map([...newRefs].filter(([ref]) => changed.has(ref) && !ref.startsWith(STASH_PIN)));
    for (const [ref, id] of objectRefs.moves) moving.set(ref, id);
    const keptStashes: StashEntry[] = stashes.map((s, i) => ({ ...s, new: changed.has(`${STASH_PIN}${i}`) ? newRefs.get(`${STASH_PIN}${i}`) ?? s.old : s.old }));
    const ignored = req.gitignore ? report.deletedPaths.filter((d) => d.dotenv).map((d) => d.path) : [];
    const amendedTips = await addGitignoreToTips(repo, moving, ignored);
    const changes = [...moving].flatMap(([ref, next]) => (oldRefs.get(ref) !== undefined && oldRefs.get(ref) !== next ? [{ ref, old: oldRefs.get(ref)!, new: next }] : []));

    if (changes.length === 0) {
      await unpinStashes(repo);
      rmSync(backup, { force: true }); // nothing moved: the repository is its own backup
      bundle = null;
      const held = await unreachable(repo, await sweepObjects(repo, req.includeTestKeys));
      if (held.length === 0) return { ...result, outcome: nothingFound(report, objectRefs.refs) ? "nothing-to-do" : "unchanged" };
      // Keys only in objects no ref reaches (reflogs, an earlier run's leftovers): prune them.
      const state: ScrubState = { version: 1, changes: [], stashes: keptStashes, bundle: "", clean, report: result.report, objectRefs: objectRefs.refs, firstChanged: [] };
      return finishRewrite(repo, state, { ...result, outcome: "pruned", unreachable: held.length }, req);
    }
    result.commitMap = buildCommitMap(report.commitMarks, marks, amendedTips);
    result.firstChanged = report.firstChanged.map((old) => ({ old, new: result.commitMap.get(old) ?? null }));
    const holding = new Set([...report.holdingMarks].map((m) => report.commitMarks.get(m)).filter((o): o is string => o !== undefined));
    result.artifactsDir = writeArtifacts(repo, result.commitMap, changes, report.firstChanged, holding).dir;
    result.bundle = backup;
    // Written before the refs move: a run killed from here on is finished by the next one.
    const state: ScrubState = { version: 1, changes, stashes: keptStashes, bundle: backup, clean, report: result.report, objectRefs: objectRefs.refs, firstChanged: result.firstChanged };
    writeState(repo, state);
    const pins = stashes.map((s, i) => ({ ref: `${STASH_PIN}${i}`, old: s.old }));
    result.changedRefs = await updateRefs(repo, oldRefs, moving, pins);
    refsMoved = true;
    return await finishRewrite(repo, state, result, req);
  } catch (err) {
    if (!refsMoved) await undoUnmoved(repo, bundle);
    throw err;
  }
}

/** A run that stops before its refs move leaves nothing behind: no pins, no bundle, no state. */
async function undoUnmoved(repo: ScrubRepo, bundle: string | null): Promise<void> {
  await unpinStashes(repo).catch(() => {});
  if (bundle) rmSync(bundle, { force: true });
  clearState(repo);
  const records = join(repo.gitDir, "leakguard-scrub");
  try {
    if (readdirSync(records).length === 0) rmdirSync(records);
  } catch {
    // no records folder: nothing to tidy
  }
}

/**
 * Everything after the refs moved, re-runnable: work trees, reflogs and stashes, repack and
 * prune, then a read of every object left. A failure here does not hide the report (the
 * history IS rewritten and must be pushed): it is returned as `unfinished`, with the state
 * kept so that the next run completes the job.
 */
async function finishRewrite(repo: ScrubRepo, state: ScrubState, result: ScrubResult, req: ScrubRequest): Promise<ScrubResult> {
  const outcome = result.outcome === "pruned" ? "pruned" : "rewritten";
  try {
    // A resumed run cannot know what the killed one did to the work tree: it only moves the index.
    if (!repo.bare && state.changes.length) result.worktree = await syncWorktree(repo, state.clean && !result.resumed);
    result.linkedWorktrees = await syncLinkedWorktrees(repo);
    req.onProgress?.("verify", 0, 1);
    await dropOldObjects(repo, state.stashes);
    result.remaining = await whereHeld(repo, await sweepObjects(repo, req.includeTestKeys), result.report);
    req.onProgress?.("verify", 1, 1);
    clearState(repo);
    return { ...result, outcome };
  } catch (err) {
    return { ...result, outcome, unfinished: err instanceof Error ? err.message : String(err) };
  }
}

/** The held objects no ref's history reaches (reflogs, stashes' old entries, a killed run's leftovers): what gc removes. */
async function unreachable(repo: ScrubRepo, held: HeldObject[]): Promise<HeldObject[]> {
  if (held.length === 0) return held;
  const reached = new Set((await gitText(["rev-list", "--objects", "--all"], { cwd: repo.dir, env: repo.env })).split("\n").map((l) => l.split(" ")[0]));
  return held.filter((h) => !reached.has(h.oid));
}

/** Names each held object: the path of a kept binary, the ref holding it, or a path some ref, reflog or index reaches. */
async function whereHeld(repo: ScrubRepo, held: HeldObject[], report: ScrubResult["report"]): Promise<Leftover[]> {
  if (held.length === 0) return [];
  const opts = { cwd: repo.dir, env: repo.env };
  const names = new Map<string, string>();
  for (const b of report?.binaryWithKeys ?? []) names.set(b.blob, b.path);
  for (const [ref, oid] of await listRefOids(opts)) if (!names.has(oid)) names.set(oid, `held by ${ref}`);
  if (held.some((h) => !names.has(h.oid))) {
    // Reachable from a ref, a reflog or an index (every work tree's): git names the path.
    const listed = await gitText(["rev-list", "--objects", "--all", "--reflog", "--indexed-objects"], opts);
    for (const l of listed.split("\n").filter(Boolean)) {
      const sp = l.indexOf(" ");
      const oid = sp > 0 ? l.slice(0, sp) : l;
      if (!names.has(oid)) names.set(oid, sp > 0 ? l.slice(sp + 1) : "");
    }
  }
  const place = (h: HeldObject) => {
    const name = names.get(h.oid);
    if (name === undefined) return `${h.type} ${h.oid.slice(0, 12)} (no ref reaches it: a worktree's HEAD keeps it alive)`;
    return name || `${h.type} ${h.oid.slice(0, 12)}`;
  };
  return held.map((h) => ({
    rule: h.rule,
    shown: h.rule === "dotenv-file" ? "" : h.shown,
    where: (h.rule === "dotenv-file" ? `${h.shown} in ` : "") + place(h),
  }));
}
