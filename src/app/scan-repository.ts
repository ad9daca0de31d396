import { createNativeEngine } from "../git/native/engine.js";
import { git } from "../git/run-git.js";
import { GitError, LeakguardError, ScanTimeoutError } from "../errors.js";
import { startScanWorker } from "../scan-worker/start-scan-worker.js";
import type { AppContext, ScanRequest } from "./context.js";
import { chooseSelection } from "./choose-selection.js";
import { buildCheckRun, neutralCheckRun, publishCheckRun } from "./github/check-run.js";
import { installationToken } from "./github/create-octokit.js";
import { loadConfig } from "./github/load-config.js";
import { createRepoProbe } from "./incidents/repo-probe.js";
import { reconcileIncidents } from "./incidents/reconcile-incidents.js";
import { recheckIncidents } from "./incidents/recheck-incidents.js";
import { refsContaining } from "./mirror/refs-containing.js";
import { syncMirror } from "./mirror/sync-mirror.js";

// One job: fetch -> scan -> incidents -> re-check -> check run. A repository that cannot
// be fetched or scanned ends in a neutral check run with the reason; GitHub API errors
// propagate so that the worker retries the delivery.

async function exists(dir: string, rev: string): Promise<boolean> {
  return git(["cat-file", "-e", `${rev}^{commit}`], { cwd: dir }).then(
    () => true,
    () => false,
  );
}

export async function scanRepository(ctx: AppContext, req: ScanRequest): Promise<void> {
  const { repo } = req;
  const gh = ctx.github(repo.installationId);
  const target = { owner: repo.owner, repo: repo.name };
  const log = ctx.log.child({ repo: repo.fullName, after: req.after });
  const neutral = async (headSha: string | null, reason: string) => {
    log.warn({ reason }, "scan not possible");
    if (headSha) await publishCheckRun(gh, target, headSha, neutralCheckRun(reason));
  };

  const started = performance.now();
  const fetchWith = async (refresh: boolean) =>
    syncMirror({ dataDir: ctx.dataDir, fullName: repo.fullName, cloneUrl: repo.cloneUrl, token: await installationToken(gh, refresh) });
  let sync;
  try {
    // A refused fetch may be a token GitHub expired before auth-app's clock did: one retry with a fresh one.
    sync = await fetchWith(false).catch((err: unknown) => {
      if (!(err instanceof GitError)) throw err;
      log.warn({ err }, "fetch failed; retrying with a fresh installation token");
      return fetchWith(true);
    });
    log.debug({ fetchMs: Math.round(performance.now() - started) }, "mirror fetched");
  } catch (err) {
    if (!(err instanceof LeakguardError)) throw err;
    return neutral(req.after, `leakguard could not fetch ${repo.fullName}: ${err.message.replace(/^\[leakguard\] /, "")}`);
  }
  const engine = createNativeEngine(sync.dir);
  const defaultTip = sync.refsAfter.get(`refs/heads/${repo.defaultBranch}`) ?? null;
  let head: string;
  try {
    head = req.after ? await engine.resolve(req.after) : (defaultTip ?? "");
  } catch {
    // Force-pushed away before we fetched: nothing of it is left to scan.
    return neutral(req.after, `pushed commit ${req.after} is no longer in the repository`);
  }
  const known = await ctx.store.getRepo(repo.fullName);
  const firstSight = !known?.historyScannedAt || sync.created;
  if (req.deleted && !firstSight) {
    await recheckIncidents(ctx, gh, repo, createRepoProbe({ dir: sync.dir, tip: defaultTip, historyFindings: null, budgetMs: ctx.scanBudgetMs }), new Set());
    log.info("ref deleted; incidents re-checked");
    return;
  }
  if (!head) {
    log.info("empty repository; nothing to scan");
    await ctx.store.saveRepo({ fullName: repo.fullName, installationId: repo.installationId, historyScannedAt: new Date().toISOString() });
    return;
  }

  const before = req.before && (await exists(sync.dir, req.before)) ? req.before : null;
  const selection = chooseSelection({ firstSight, after: head, before, refs: sync.refsAfter, pushedRef: req.refName });
  // A huge push must not hold the queue forever: past the budget the scan's worker thread
  // and its git processes are stopped and the check run says why, instead of a partial scan
  // passing as a clean one. In a worker, hostile content never stalls the HTTP server.
  let scan;
  try {
    const done = await startScanWorker().run({ kind: "history", dir: sync.dir, env: process.env, selection, maxBlobBytes: null }, ctx.scanBudgetMs);
    if (done.kind !== "history") throw new Error("scan worker answered another job");
    scan = done.result;
  } catch (err) {
    if (err instanceof ScanTimeoutError) {
      const minutes = Math.max(1, Math.round(ctx.scanBudgetMs / 60_000));
      return neutral(head, `the ${firstSight ? "history" : "push"} is too large to scan within ${minutes} minute${minutes === 1 ? "" : "s"}; run \`leakguard scan --history\` on a clone instead`);
    }
    if (!(err instanceof LeakguardError)) throw err;
    return neutral(head, `leakguard could not scan ${repo.fullName}: ${err.message.replace(/^\[leakguard\] /, "")}`);
  }
  log.info({ selection: firstSight ? "all" : "push", ...scan.stats, findings: scan.findings.length }, "scanned");

  const { config, problems } = await loadConfig(gh, repo.owner, repo.name);
  const ref = req.ref ?? (scan.findings[0]?.commit ? await refsContaining(sync.dir, scan.findings[0].commit) : null);
  const probe = createRepoProbe({ dir: sync.dir, tip: defaultTip, historyFindings: firstSight ? scan.findings : null, budgetMs: ctx.scanBudgetMs });
  const outcome = await reconcileIncidents(ctx, gh, { ...req, ref }, scan.findings, config, probe, firstSight);
  await recheckIncidents(ctx, gh, repo, probe, outcome.opened);

  const scope = firstSight ? "the full history (first scan of this repository)" : "this push";
  const body = buildCheckRun({
    findings: scan.findings,
    failOn: config.failOn,
    alerts: [...outcome.alerts, ...problems.map((p) => `Configuration problem: ${p}`)],
    forceFailure: outcome.forceFailure,
    scope,
  });
  await publishCheckRun(gh, target, head, body);
  // Only now is the first look complete: a job that fails before here is retried as first sight.
  await ctx.store.saveRepo({ fullName: repo.fullName, installationId: repo.installationId, historyScannedAt: known?.historyScannedAt ?? new Date().toISOString() });
  log.info({ conclusion: body.conclusion }, "check run published");
}

