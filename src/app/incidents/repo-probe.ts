import type { Finding } from "../../findings/finding.js";
import { LeakguardError, ScanTimeoutError } from "../../errors.js";
import { sharedScanPool } from "../../scan-worker/scan-pool.js";
import type { ScanJobResult } from "../../scan-worker/run-scan-job.js";
import { isPathIgnored } from "../mirror/path-ignored.js";
import type { IncidentStatus } from "../store/store.js";
import { watchesIgnore } from "./render-status.js";

// Answers the re-check questions on the mirror, computing each scan at most once per job:
// which fingerprints are in the default branch tip, which anywhere in history.

export interface RepoProbe {
  statusOf(i: { fingerprint: string; path: string }): Promise<IncidentStatus>;
}

/** The re-check's scans ran out of the scan budget: their answers would be guesses. */
export class RecheckBudgetError extends LeakguardError {
  override readonly code = "RECHECK_BUDGET";
}

export interface RepoProbeOptions {
  dir: string;
  tip: string | null;
  /** The first-sight scan already read the whole history: its findings answer "in history?". */
  historyFindings: readonly Finding[] | null;
  /** The same budget every app scan has (AppContext.scanBudgetMs). */
  budgetMs: number;
}

/** Each scan runs in its own worker thread, stopped after `budgetMs` (then: RecheckBudgetError). */
export function createRepoProbe(opts: RepoProbeOptions): RepoProbe {
  let tip: Promise<Set<string>> | undefined;
  let history: Promise<Set<string>> | undefined;
  const fps = (fs: readonly Finding[]) => new Set(fs.map((f) => f.fingerprint));
  const overBudget = (err: unknown): never => {
    if (!(err instanceof ScanTimeoutError)) throw err;
    const minutes = Math.max(1, Math.round(opts.budgetMs / 60_000));
    throw new RecheckBudgetError(`the repository is too large to re-check within ${minutes} minute${minutes === 1 ? "" : "s"}`, { budgetMs: opts.budgetMs });
  };
  const tipFps = (commit: string) =>
    sharedScanPool()
      .run({ kind: "tip", dir: opts.dir, commit }, opts.budgetMs)
      .then((done) => fps(done.kind === "tip" ? done.findings : answered(done).result.findings), overBudget);
  const historyFps = () =>
    sharedScanPool()
      .run({ kind: "history", dir: opts.dir, env: process.env, selection: { all: true }, maxBlobBytes: null }, opts.budgetMs)
      .then((done) => fps(answered(done).result.findings), overBudget);

  return {
    async statusOf(i) {
      const ignored = watchesIgnore(i) && opts.tip ? await isPathIgnored(opts.dir, opts.tip, i.path) : null;
      return {
        inDefaultBranchTip: (await (tip ??= opts.tip ? tipFps(opts.tip) : Promise.resolve(new Set<string>()))).has(i.fingerprint),
        inHistory: (await (history ??= opts.historyFindings ? Promise.resolve(fps(opts.historyFindings)) : historyFps())).has(i.fingerprint),
        pathIgnored: ignored,
        checkedAt: new Date().toISOString(),
        checkedCommit: opts.tip ?? "0000000",
      };
    },
  };
}

/** A history job's answer; any other is a fault, never an empty (clean) one. */
function answered(done: ScanJobResult): Extract<ScanJobResult, { kind: "history" }> {
  if (done.kind !== "history") throw new Error("scan worker answered another job");
  return done;
}
