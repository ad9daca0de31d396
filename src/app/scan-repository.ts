import { createNativeEngine } from "../git/native/engine.js";
import { git } from "../git/run-git.js";
import { LeakguardError, ScanTimeoutError } from "../errors.js";
import { sharedScanPool } from "../scan-worker/scan-pool.js";
import type { AppContext, ScanRequest } from "./app-context.js";
import { chooseSelection } from "../objects/choose-selection.js";
import { scannedTips } from "./scanned-tips.js";
import { buildCheckRun, neutralCheckRun } from "./github/check-run.js";
import { trackCheckRun } from "./github/track-check-run.js";
import type { CheckRunTracker } from "./github/track-check-run.js";
import type { GitHub } from "./github/create-octokit.js";
import type { Logger } from "./create-logger.js";
import { classifyGitFailure } from "./mirror/classify-git-failure.js";
import { TransientError } from "./transient-error.js";
import { installationToken } from "./github/create-octokit.js";
import { DEFAULT_CONFIG, loadConfig } from "./github/load-config.js";
import type { RepoConfig } from "./github/load-config.js";
import { redactAll } from "../findings/redact.js";
import { chooseIssueRepo } from "./incidents/choose-issue-repo.js";
import { repoName, text } from "./incidents/markdown.js";
import { createRepoProbe, RecheckBudgetError } from "./incidents/repo-probe.js";
import { emptyReconcileResult, reconcileIncidents } from "./incidents/reconcile-incidents.js";
import { recheckIncidents } from "./incidents/recheck-incidents.js";
import { refsContaining } from "./mirror/refs-containing.js";
import { syncMirror } from "./mirror/sync-mirror.js";
import { applyInlineAllow } from "../findings/apply-inline-allow.js";
import type { AnnotatedTag } from "../git/engine.js";
import { parseTag } from "../git/parse-tag.js";
import { isRetryable } from "./worker.js";
import type { Delivery } from "./store/store.js";
import type { BatchEntry, BatchPush } from "../scan-worker/scan-batch.js";
import { parsePayload, pushPayload } from "./handlers/payloads.js";
import { isZeroOid } from "../git/refs.js";

// One job: fetch -> scan -> incidents -> re-check -> check run. A repository that cannot
// be fetched or scanned ends in a neutral check run with the reason. The check run is
// published whatever the incident steps do; their GitHub errors are said on it and then
// propagate, when passing, so that the worker retries the delivery.
// Pushes of one repository taken together (JobInfo.batch) share what does not depend on
// the push: one fetch, one read of the configuration and of the issue repository, and one
// re-check of open incidents (by the batch's last delivery). Each still has its own scan of
// its own range, its own incidents and its own check run.

async function exists(dir: string, rev: string): Promise<boolean> {
  return git(["cat-file", "-e", `${rev}^{commit}`], { cwd: dir }).then(
    () => true,
    () => false,
  );
}

export async function scanRepository(ctx: AppContext, req: ScanRequest): Promise<void> {
  const { repo } = req;
  const gh = ctx.github(repo.installationId);
  const log = ctx.log.child({ repo: repo.fullName, after: req.after });
  const run = trackCheckRun(gh, { owner: repo.owner, repo: repo.name }, req.job.deliveryId, { inProgressAfterMs: ctx.inProgressAfterMs, log, fresh: req.job.fresh });
  try {
    await scanWith(ctx, req, run, { gh, log });
  } finally {
    run.stop();
  }
}

async function scanWith(ctx: AppContext, req: ScanRequest, run: CheckRunTracker, { gh, log }: { gh: GitHub; log: Logger }): Promise<void> {
  const { repo } = req;
  const neutral = async (headSha: string | null, reason: string) => {
    log.warn({ reason }, "scan not possible");
    if (headSha) await run.publish(headSha, neutralCheckRun(reason));
  };
  /** A passing failure goes back to the queue; only the last attempt says so on a neutral check run. */
  const passing = async (headSha: string | null, err: TransientError, what: string) => {
    if (!req.job.lastAttempt) throw err;
    return neutral(headSha, `leakguard could not ${what} after ${req.job.attempt} attempts, each failing for a passing reason (${err.reason}): ${text(detail(err.cause))}. Push again, or redeliver the webhook, to retry.`);
  };

  const started = performance.now();
  const fetchWith = async (refresh: boolean) =>
    syncMirror({ dataDir: ctx.dataDir, fullName: repo.fullName, cloneUrl: repo.cloneUrl, token: await installationToken(gh, refresh) });
  const { batch } = req.job;
  let sync;
  try {
    // A refused fetch may be a token GitHub expired before auth-app's clock did: one retry with a fresh one.
    // Fetched once for the batch, after every delivery in it was accepted: it holds all their commits.
    sync = await batch.once("fetch", () =>
      fetchWith(false).catch((err: unknown) => {
        if (classifyGitFailure(err).kind !== "auth") throw err;
        log.warn({ err }, "fetch refused; retrying with a fresh installation token");
        return fetchWith(true);
      }),
    );
    // Only the first delivery of a batch sees the mirror as just created (first sight).
    if (sync.created && !batch.first("created")) sync = { ...sync, created: false };
    log.debug({ fetchMs: Math.round(performance.now() - started) }, "mirror fetched");
  } catch (err) {
    if (!(err instanceof LeakguardError)) throw err;
    const failure = classifyGitFailure(err);
    if (failure.kind !== "permanent") {
      const reason = failure.kind === "auth" ? "git refused a fresh installation token" : failure.reason;
      log.warn({ err, reason }, "fetch failed for a passing reason");
      return passing(req.after, new TransientError("fetch", reason, err), `fetch ${repoName(repo.fullName)}`);
    }
    return neutral(req.after, `leakguard could not fetch ${repoName(repo.fullName)}, and trying again would not help: ${text(detail(err))}`);
  }
  const engine = createNativeEngine(sync.dir);
  const defaultTip = sync.refsAfter.get(`refs/heads/${repo.defaultBranch}`) ?? null;
  const known = await ctx.store.getRepo(repo.fullName);
  const firstSight = !known?.historyScannedAt || sync.created;
  // An earlier delivery of the batch may have scanned this push with it (scan-batch.ts): then
  // its commit, tag chain and `before` were resolved there too, and no git starts for it here.
  const shared = req.after && !firstSight ? (await batch.made<Map<string, BatchEntry>>("scan"))?.get(req.job.deliveryId) : undefined;
  let head: string;
  try {
    head = shared ? shared.head : req.after ? await engine.resolve(req.after) : (defaultTip ?? "");
  } catch {
    // Force-pushed away before we fetched: nothing of it is left to scan.
    return neutral(req.after, `pushed commit ${req.after} is no longer in the repository`);
  }
  if (req.deleted && !firstSight) {
    await recheckIncidents(ctx, gh, repo, createRepoProbe({ dir: sync.dir, tip: defaultTip, historyFindings: null, budgetMs: ctx.scanBudgetMs }), new Set(), req.job.deliveryId);
    // A deleted ref's tip is forgotten: the record stays one tip per existing ref (it only widens later ranges).
    if (req.refName) await ctx.store.recordTips(repo.fullName, new Map([[req.refName, null]]));
    log.info("ref deleted; incidents re-checked");
    return;
  }
  if (!head) {
    log.info("empty repository; nothing to scan");
    await ctx.store.saveRepo({ fullName: repo.fullName, installationId: repo.installationId, historyScannedAt: new Date().toISOString() });
    return;
  }
  // Only a job that ends in a check run may start one: a deleted ref's re-check (above) has
  // none, and an in_progress run started for it would never be completed.
  run.on(head);

  const before = shared ? shared.before : req.before && (await exists(sync.dir, req.before)) ? req.before : null;
  // A pushed tag is scanned as a tag: its message (and those of the tags it points to), not
  // only the commit it names. The engine reads the tag objects the selection includes.
  const pushed = shared ? shared.pushed : req.after ? [...(await tagChain(sync.dir, req.after)), head] : [head];
  // A new ref excludes what was scanned, not what the mirror holds (scanned-tips.ts): the
  // record as it is now, after the batch's earlier deliveries recorded theirs. The shared
  // pass (scan-batch.ts) works each push's record out ahead; where it guessed otherwise, the
  // selections differ and the push is scanned on its own.
  // Pushes queued behind this one are scanned with it, in one pass (scan-batch.ts), when
  // there are any: each still gets the findings of its own range, and any it cannot be
  // given exactly that way (or all, when the pass fails) is scanned on its own below.
  const together = !firstSight && req.after && !batch.made("scan") ? batchPushes(batch.rest) : [];
  // Read only where some range needs it: an update of a ref (before..after) alone does not.
  const present = await batch.once("present", async () => new Map<string, boolean>());
  const scanned = !firstSight && (!before || together.length > 1) ? await scannedTips(ctx.store, repo.fullName, sync.dir, present) : new Map<string, string>();
  const selection = chooseSelection({ firstSight, after: pushed, before, refs: scanned, pushedRef: req.refName });
  const entries =
    together.length > 1
      ? await batch.once("scan", () => scanTogether(ctx, sync.dir, together, scanned, log))
      : await batch.made<Map<string, BatchEntry>>("scan");
  const mine = entries?.get(req.job.deliveryId);
  const fromBatch = mine?.result && !firstSight && JSON.stringify(mine.selection) === JSON.stringify(selection) ? mine.result : null;
  if (mine && !fromBatch) log.debug({ why: mine.why ?? "resolved otherwise" }, "push scanned on its own, not with its batch");
  // A huge push must not hold the queue forever: past the budget the scan's worker thread
  // and its git processes are stopped and the check run says why, instead of a partial scan
  // passing as a clean one. In a worker, hostile content never stalls the HTTP server.
  let scan;
  try {
    if (fromBatch) scan = fromBatch;
    else {
      const done = await sharedScanPool().run({ kind: "history", dir: sync.dir, env: process.env, selection, maxBlobBytes: null }, ctx.scanBudgetMs);
      if (done.kind !== "history") throw new Error("scan worker answered another job");
      scan = done.result;
    }
  } catch (err) {
    if (err instanceof ScanTimeoutError) {
      const minutes = Math.max(1, Math.round(ctx.scanBudgetMs / 60_000));
      return neutral(head, `the ${firstSight ? "history" : "push"} is too large to scan within ${minutes} minute${minutes === 1 ? "" : "s"}; run \`leakguard scan --history\` on a clone instead`);
    }
    if (!(err instanceof LeakguardError)) throw err;
    const failure = classifyGitFailure(err);
    if (failure.kind === "transient") {
      log.warn({ err, reason: failure.reason }, "scan failed for a passing reason");
      return passing(head, new TransientError("scan", failure.reason, err), `scan ${repoName(repo.fullName)}`);
    }
    return neutral(head, `leakguard could not scan ${repoName(repo.fullName)}, and trying again would not help: ${text(detail(err))}`);
  }
  log.info({ selection: firstSight ? "all" : "push", ...scan.stats, findings: scan.findings.length }, "scanned");
  // What this job scanned, recorded once its check run is out (scanned-tips.ts): a first
  // sight read every ref of the mirror; a push, its ref's new tip (an install, the default
  // branch's). A push whose scan could not read some objects counts too: its own check run
  // says so, never green, and an update of its ref (before..after) would not read them again either.
  const recordScanned = async () => {
    const refName = req.refName ?? (req.after ? null : `refs/heads/${repo.defaultBranch}`);
    if (firstSight) await ctx.store.recordTips(repo.fullName, sync.refsAfter, true);
    else if (refName) {
      await ctx.store.recordTips(repo.fullName, new Map([[refName, req.after ?? head]]));
      present.set(req.after ?? head, true);
    }
  };
  // Objects that could not be read: never a green check (issue 8). With findings the check fails anyway.
  if (scan.stats.incomplete && scan.findings.length === 0) {
    const ids = scan.stats.unreadObjects;
    await neutral(head, `the scan is incomplete: ${ids.length} object${ids.length === 1 ? "" : "s"} could not be read (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""})`);
    // A first sight is not complete (it is taken again, and records then).
    if (!firstSight) await recordScanned();
    return;
  }

  // The check run is published whatever the incident work does: a failing issue step (an
  // unreachable issue repository, GitHub refusing a call, a re-check over budget) is said on
  // the check run, never left to swallow it.
  const failures: { err: unknown; what: string }[] = [];
  const ISSUES = "Incident issues could not be fully updated";
  const outcome = emptyReconcileResult();
  const alerts: string[] = [];
  // Without the owner's configuration it is unknown where incidents may go: none is filed
  // now (the retry files them); the check run still shows the findings, at the default threshold.
  let config: RepoConfig | null = null;
  try {
    const loaded = await batch.once("config", () => loadConfig(gh, repo.owner, repo.name));
    config = loaded.config;
    alerts.push(...loaded.problems.map((p) => `Configuration problem: ${p}`));
  } catch (err) {
    failures.push({ err, what: "The configuration could not be read, so no incident issue was touched" });
  }
  // leakguard:allow is the pusher's word: what the config's inline_allow does not cover
  // is a finding like any other; what it lets through is logged and shown on the check run.
  const inlineAllow = (config ?? DEFAULT_CONFIG).inlineAllow;
  const inline = applyInlineAllow(scan.findings, scan.suppressed, inlineAllow);
  scan = { ...scan, findings: inline.findings };
  if (inline.honoured.length) {
    log.warn({ inlineAllow, allowed: inline.honoured.map((f) => ({ rule: f.rule, fingerprint: f.fingerprint, redacted: f.redacted, path: f.path, commit: f.commit })) }, "findings let through by leakguard:allow");
    alerts.push(`${inline.honoured.length} finding(s) let through by a leakguard:allow comment (inline_allow: ${inlineAllow}): ${inline.honoured.map((f) => `${f.rule} ${f.redacted ?? ""} in ${f.path}`.replace(/ +/g, " ")).join("; ")}`);
  }
  if (config) {
    try {
      const chosen = config.issueRepo;
      const route = await batch.once("route", () => chooseIssueRepo(gh, repo, chosen));
      alerts.push(...route.problems.map((p) => `Configuration problem: ${p}`));
      const ref = req.ref ?? (scan.findings[0]?.commit ? await refsContaining(sync.dir, scan.findings[0].commit) : null);
      const probe = createRepoProbe({ dir: sync.dir, tip: defaultTip, historyFindings: firstSight ? scan.findings : null, budgetMs: ctx.scanBudgetMs });
      try {
        await reconcileIncidents(ctx, gh, { ...req, ref }, scan.findings, { ...config, issueRepo: route.issueRepo }, probe, firstSight, outcome);
      } finally {
        // Open incidents are re-checked even when a new one could not be opened; once per
        // batch, by its last delivery (the repository is the same for all), skipping those
        // the batch opened.
        const opened = await batch.once("opened", async () => new Set<number>());
        for (const id of outcome.opened) opened.add(id);
        if (batch.last)
          await recheckIncidents(ctx, gh, repo, probe, opened, req.job.deliveryId).catch((err: unknown) =>
            failures.push({ err, what: err instanceof RecheckBudgetError ? "Open incidents were not re-checked" : ISSUES }),
          );
      }
    } catch (err) {
      failures.push({ err, what: ISSUES });
    }
  }
  for (const { err } of failures) log.error({ err }, "incident step failed");
  const retry = failures.find((f) => isRetryable(f.err))?.err;

  const scope = firstSight ? "the full history (first scan of this repository)" : "this push";
  const body = buildCheckRun({
    findings: scan.findings,
    failOn: (config ?? DEFAULT_CONFIG).failOn,
    alerts: [...outcome.alerts, ...alerts, ...failures.map((f) => incidentFailure(f.what, f.err, f.err === retry))],
    forceFailure: outcome.forceFailure,
    scope,
  });
  await run.publish(head, body);
  // A passing failure (GitHub 5xx, rate limit) sends the delivery back to the queue; the
  // retry finds the incidents already opened and repeats nothing else.
  if (retry !== undefined) throw retry;
  await recordScanned();
  // Only now is the first look complete: a job that fails before here is retried as first sight.
  // Written only when it changes: every later push of a repository would rewrite the same row.
  if (!known?.historyScannedAt || known.installationId !== repo.installationId)
    await ctx.store.saveRepo({ fullName: repo.fullName, installationId: repo.installationId, historyScannedAt: known?.historyScannedAt ?? new Date().toISOString() });
  log.info({ conclusion: body.conclusion }, "check run published");
}

/** The pushes among `deliveries` that scan a range (not a deleted ref), as on-push.ts reads them. */
function batchPushes(deliveries: readonly Delivery[]): BatchPush[] {
  const pushes: BatchPush[] = [];
  let forget: string[] = [];
  for (const d of deliveries) {
    if (d.name !== "push") continue;
    let p;
    try {
      p = parsePayload(pushPayload, JSON.parse(d.payload), "push");
    } catch {
      continue; // its own job says why
    }
    if (p.deleted === true || isZeroOid(p.after)) {
      forget.push(p.ref); // its job forgets the ref's tip (scan-batch.ts reckons with it)
      continue;
    }
    pushes.push({ id: d.id, after: p.after, before: isZeroOid(p.before) ? null : p.before, refName: p.ref, forget });
    forget = [];
  }
  return pushes;
}

/** One scan-pool job for the batch's pushes; a failure of it leaves every push to its own scan. */
async function scanTogether(ctx: AppContext, dir: string, pushes: BatchPush[], refs: ReadonlyMap<string, string>, log: Logger): Promise<Map<string, BatchEntry>> {
  try {
    const done = await sharedScanPool().run({ kind: "batch", dir, env: process.env, pushes, refs: [...refs] }, ctx.scanBudgetMs);
    if (done.kind !== "batch") throw new Error("scan worker answered another job");
    const scanned = done.entries.filter((e) => e.result).length;
    log.info({ pushes: pushes.length, scanned }, "pushes of one repository scanned together");
    return new Map(done.entries.map((e) => [e.id, e]));
  } catch (err) {
    log.warn({ err }, "the batch's shared scan failed; each push is scanned on its own");
    return new Map();
  }
}

function detail(err: unknown): string {
  return redactAll(err instanceof Error ? err.message : String(err));
}

function incidentFailure(what: string, err: unknown, retried: boolean): string {
  const status = (err as { status?: number }).status;
  return `**${what}:** ${text(detail(err))}${typeof status === "number" ? ` (GitHub answered ${status})` : ""}.${retried ? " leakguard will try again." : ""}`;
}

/** The tag objects a pushed object names, outermost first (a tag of a tag is a chain); empty for a commit. */
async function tagChain(dir: string, oid: string): Promise<string[]> {
  const chain: string[] = [];
  for (let next: string | null = oid; next && chain.length < 16; ) {
    const raw: Buffer | null = await git(["cat-file", "tag", next], { cwd: dir }).catch(() => null);
    const tag: AnnotatedTag | null = raw ? parseTag(next, raw) : null;
    if (!tag) break;
    chain.push(next);
    next = tag.target;
  }
  return chain;
}
