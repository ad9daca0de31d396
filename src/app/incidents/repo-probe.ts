import { scanHistory } from "../../findings/scan-history.js";
import { createNativeEngine } from "../../git/native/engine.js";
import type { Finding } from "../../findings/finding.js";
import { isPathIgnored } from "../mirror/path-ignored.js";
import { scanTip } from "../mirror/scan-tip.js";
import type { IncidentStatus } from "../store/store.js";
import { watchesIgnore } from "./render-status.js";

// Answers the re-check questions on the mirror, computing each scan at most once per job:
// which fingerprints are in the default branch tip, which anywhere in history.

export interface RepoProbe {
  statusOf(i: { fingerprint: string; path: string }): Promise<IncidentStatus>;
}

export function createRepoProbe(opts: { dir: string; tip: string | null; historyFindings: readonly Finding[] | null }): RepoProbe {
  let tip: Promise<Set<string>> | undefined;
  let history: Promise<Set<string>> | undefined;
  const fps = (fs: readonly Finding[]) => new Set(fs.map((f) => f.fingerprint));
  const tipFps = () => (tip ??= opts.tip ? scanTip(opts.dir, opts.tip).then(fps) : Promise.resolve(new Set<string>()));
  const historyFps = () =>
    (history ??= opts.historyFindings
      ? Promise.resolve(fps(opts.historyFindings))
      : scanHistory({ engine: createNativeEngine(opts.dir), selection: { all: true } }).then((r) => fps(r.findings)));

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
