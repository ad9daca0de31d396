import type { Finding } from "../../findings/finding.js";
import { startScanWorker } from "../../scan-worker/start-scan-worker.js";
import { isPathIgnored } from "../mirror/path-ignored.js";
import type { IncidentStatus } from "../store/store.js";
import { watchesIgnore } from "./render-status.js";

// Answers the re-check questions on the mirror, computing each scan at most once per job:
// which fingerprints are in the default branch tip, which anywhere in history.

export interface RepoProbe {
  statusOf(i: { fingerprint: string; path: string }): Promise<IncidentStatus>;
}

/** Each scan runs in its own worker thread, stopped (ScanTimeoutError) after `budgetMs`. */
export function createRepoProbe(opts: { dir: string; tip: string | null; historyFindings: readonly Finding[] | null; budgetMs: number }): RepoProbe {
  let tip: Promise<Set<string>> | undefined;
  let history: Promise<Set<string>> | undefined;
  const fps = (fs: readonly Finding[]) => new Set(fs.map((f) => f.fingerprint));
  const tipFps = (commit: string) =>
    startScanWorker()
      .run({ kind: "tip", dir: opts.dir, commit }, opts.budgetMs)
      .then((done) => fps(done.kind === "tip" ? done.findings : done.result.findings));
  const historyFps = () =>
    startScanWorker()
      .run({ kind: "history", dir: opts.dir, env: process.env, selection: { all: true }, maxBlobBytes: null }, opts.budgetMs)
      .then((done) => fps(done.kind === "history" ? done.result.findings : done.findings));

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
