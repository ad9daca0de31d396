import { scanHistory } from "../../findings/scan-history.js";
import { createNativeEngine } from "../../git/native/engine.js";
import type { Finding } from "../../findings/finding.js";
import { LeakguardError } from "../../errors.js";
import { isPathIgnored } from "../mirror/path-ignored.js";
import { scanTip } from "../mirror/scan-tip.js";
import type { IncidentStatus } from "../store/store.js";
import { watchesIgnore } from "./render-status.js";

// Answers the re-check questions on the mirror, computing each scan at most once per job:
// which fingerprints are in the default branch tip, which anywhere in history.

export interface RepoProbe {
  statusOf(i: { fingerprint: string; path: string }): Promise<IncidentStatus>;
}

/** The re-check's history scan ran out of the scan budget: its answers would be guesses. */
export class RecheckBudgetError extends LeakguardError {
  override readonly code = "RECHECK_BUDGET";
}

export interface RepoProbeOptions {
  dir: string;
  tip: string | null;
  /** The first-sight scan already read the whole history: its findings answer "in history?". */
  historyFindings: readonly Finding[] | null;
  /** The same budget every app scan has (AppContext.scanBudgetMs), counted from the history scan's start. */
  budgetMs: number;
}

export function createRepoProbe(opts: RepoProbeOptions): RepoProbe {
  let tip: Promise<Set<string>> | undefined;
  let history: Promise<Set<string>> | undefined;
  const fps = (fs: readonly Finding[]) => new Set(fs.map((f) => f.fingerprint));
  const tipFps = () => (tip ??= opts.tip ? scanTip(opts.dir, opts.tip).then(fps) : Promise.resolve(new Set<string>()));
  const scanAll = async () => {
    // A whole history is the largest scan the app runs: it gets a budget like every other.
    const signal = AbortSignal.timeout(opts.budgetMs);
    try {
      return fps((await scanHistory({ engine: createNativeEngine(opts.dir, process.env, signal), selection: { all: true }, signal })).findings);
    } catch (err) {
      if (!signal.aborted) throw err;
      const minutes = Math.max(1, Math.round(opts.budgetMs / 60_000));
      throw new RecheckBudgetError(`the history is too large to re-check within ${minutes} minute${minutes === 1 ? "" : "s"}`, { budgetMs: opts.budgetMs });
    }
  };
  const historyFps = () => (history ??= opts.historyFindings ? Promise.resolve(fps(opts.historyFindings)) : scanAll());

  return {
    async statusOf(i) {
      const ignored = watchesIgnore(i) && opts.tip ? await isPathIgnored(opts.dir, opts.tip, i.path) : null;
      return {
        inDefaultBranchTip: (await tipFps()).has(i.fingerprint),
        inHistory: (await historyFps()).has(i.fingerprint),
        pathIgnored: ignored,
        checkedAt: new Date().toISOString(),
        checkedCommit: opts.tip ?? "0000000",
      };
    },
  };
}
