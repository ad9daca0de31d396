import { redactAll } from "../findings/redact.js";
import type { HookConfig } from "./config.js";
import type { Verdict } from "./verdict.js";
import { decideVerdict, wouldBlock } from "./verdict.js";
import { parseRefUpdates } from "./parse-ref-updates.js";
import { pushSelection } from "./push-selection.js";
import { scanPush } from "./scan-push.js";
import type { ScanWorker } from "../scan-worker/start-scan-worker.js";
import { bypassRequest, pusherOf, readPushOptions } from "./bypass.js";
import { appendAuditEntry, auditEntry } from "./append-audit-entry.js";
import { formatVerdict, GITLAB_PREFIX, isGitLab } from "./messages.js";
import { refNameFindings } from "./ref-name-findings.js";
import { findHeldKeys } from "./find-held-keys.js";

export interface PreReceiveOptions {
  /** Everything git wrote to the hook's stdin. */
  input: string;
  /** The hook's environment, untouched (quarantine variables, push options, GL_*). */
  env: NodeJS.ProcessEnv;
  repoDir: string;
  config: HookConfig;
  /** Time already spent since the process started (Node start-up counts against the budget). */
  elapsedMs: number;
  /** Starts the scan's worker thread, only when the push holds something for the detectors (default: startScanWorker). */
  startWorker?: () => ScanWorker;
  now?: Date;
}

export interface PreReceiveResult {
  /** 0 accept, 1 reject, 2 reject because leakguard failed (fail-closed). */
  exitCode: 0 | 1 | 2;
  /** What to write to stderr (git relays it as `remote:` lines); redacted, may be empty. */
  message: string;
  verdict: Verdict;
}

/** stdin -> one scan of everything the push adds -> policy -> message and exit code. */
export async function runPreReceive(opts: PreReceiveOptions): Promise<PreReceiveResult> {
  const { env } = opts;
  let { config } = opts;
  const started = performance.now();
  const updates = parseRefUpdates(opts.input);
  const plan = pushSelection(updates);
  const scanned = plan.selection
    ? await scanPush({
        repoDir: opts.repoDir,
        env,
        selection: plan.selection,
        remainingMs: config.timeBudgetMs - opts.elapsedMs,
        budgetMs: config.timeBudgetMs,
        maxBlobBytes: config.maxBlobBytes,
        ...(opts.startWorker ? { startWorker: opts.startWorker } : {}),
      })
    : ({ kind: "nothing-to-scan" } as const);
  // A key in a ref name is a finding of the push like a key in a file.
  let outcome = scanned.kind === "scanned" ? { ...scanned, findings: [...refNameFindings(plan.scanned), ...scanned.findings] } : scanned;
  // Keys the server already held are told apart; only a push with a finding that would
  // block pays for it (a clean push, or one with test-key warnings, reads nothing more).
  const candidates = outcome.kind === "scanned" ? outcome.findings.filter((f) => wouldBlock(f, config)) : [];
  if (outcome.kind === "scanned" && candidates.length && plan.selection?.include) {
    const remainingMs = config.timeBudgetMs - opts.elapsedMs - (performance.now() - started);
    const held = await findHeldKeys({ repoDir: opts.repoDir, env, tips: plan.selection.include, findings: candidates, remainingMs });
    outcome = { ...outcome, held };
  }
  const request = bypassRequest(readPushOptions(env), config.bypass.reasons);
  let verdict = decideVerdict(outcome, config, request, plan.replaceRefs);
  let preface = "";
  if (verdict.inlineAllowed.length) {
    // An inline allow that lets a blocking finding through is recorded like a bypass; no
    // record, no allow: decide again with the comment ignored.
    try {
      const entry = auditEntry({ pusher: pusherOf(env), reason: "inline-allow", scanned: true, refs: plan.scanned, findings: verdict.inlineAllowed, ...(opts.now ? { now: opts.now } : {}) });
      appendAuditEntry(config.auditLog, entry);
    } catch (err) {
      config = { ...config, inlineAllow: "none" };
      verdict = decideVerdict(outcome, config, request, plan.replaceRefs);
      preface = `[leakguard] leakguard:allow refused: the audit log cannot be written (${(err as NodeJS.ErrnoException).code ?? "error"}).\n`;
    }
  }
  if (verdict.status === "bypassed" && request.kind === "valid") {
    const entry = auditEntry({
      pusher: pusherOf(env),
      reason: request.reason,
      scanned: outcome.kind === "scanned",
      refs: plan.scanned,
      findings: verdict.blocking,
      ...(opts.now ? { now: opts.now } : {}),
    });
    try {
      appendAuditEntry(config.auditLog, entry);
    } catch (err) {
      // No record, no bypass: decide again as if none had been asked for.
      verdict = decideVerdict(outcome, config, { kind: "none" }, plan.replaceRefs);
      preface += `[leakguard] bypass refused: the audit log cannot be written (${(err as NodeJS.ErrnoException).code ?? "error"}).\n`;
    }
  }

  const gitlab = isGitLab(env);
  const message = redactAll((gitlab && preface ? GITLAB_PREFIX : "") + preface + formatVerdict(verdict, { gitlab }));
  const exitCode = verdict.accept ? 0 : verdict.problem?.kind === "error" ? 2 : 1;
  return { exitCode, message, verdict };
}
