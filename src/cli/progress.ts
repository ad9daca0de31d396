import cliProgress from "cli-progress";
import type { Progress } from "../findings/scan-history.js";
import type { ScrubPhase } from "../scrub/run.js";

/** What a full-history scan will read, when known up front (src/cli/count-history.ts). */
export interface ProgressTotals {
  commits: number;
  blobs: number;
  bytes: number;
}

export interface ProgressBar {
  update(p: Progress): void;
  /** The scan is over: the bar shows the final counts at 100 % and stays on screen. */
  finish(p: Progress): void;
  /** Ends the bar; one never finished (the scan failed) is cleared, not left half-way. */
  stop(): void;
}

const WIDTH = 30;
const mb = (n: number) => (n / 1e6).toFixed(1);

/** The line itself: a pure function of what was read and what there is to read. */
export function progressLine(p: Progress, totals: ProgressTotals | null, finished: boolean): string {
  if (!totals) return `scanning history | ${p.commits} commits | ${p.blobs} blobs | ${mb(p.bytes)} MB`;
  // The walk and the reading run side by side and both must end: the slower one is how far the scan is.
  const ratio = (n: number, of: number) => (of > 0 ? Math.min(1, n / of) : 1);
  const done = finished ? 1 : Math.min(0.99, ratio(p.commits, totals.commits), ratio(p.bytes, totals.bytes));
  const filled = Math.round(done * WIDTH);
  const bar = "\u2588".repeat(filled) + "\u2591".repeat(WIDTH - filled);
  const t = finished ? p : totals; // the final counts are the totals
  return `scanning history ${bar} ${Math.floor(done * 100)}% | ${p.commits}/${t.commits} commits | ${p.blobs}/${t.blobs} blobs | ${mb(p.bytes)}/${mb(t.bytes)} MB`;
}

/**
 * A progress line on stderr for history scans, only when stderr is a terminal (CI logs
 * and pipes stay clean). Totals may arrive after the scan has started (counting them is
 * a second, cheaper pass over the object store); until then only counts are shown.
 */
export function createProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }, totals: Promise<ProgressTotals | null> | null): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, finish: () => {}, stop: () => {} };
  const state = { totals: null as ProgressTotals | null, last: { commits: 0, blobs: 0, bytes: 0 } as Progress, finished: false };
  const bar = new cliProgress.SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: () => progressLine(state.last, state.totals, state.finished),
    hideCursor: true,
    clearOnComplete: false,
    fps: 10,
  });
  bar.start(1, 0);
  void totals?.then((t) => (state.totals = t), () => {});
  return {
    update(p) {
      state.last = p;
      bar.update(0);
    },
    finish(p) {
      state.last = p;
      state.finished = true;
      bar.update(1);
      bar.stop();
    },
    stop() {
      if (state.finished) return;
      (bar as unknown as { options: { clearOnComplete: boolean } }).options.clearOnComplete = true;
      bar.stop();
    },
  };
}

const PHASES: Record<ScrubPhase, string> = { rewrite: "rewriting", verify: "re-scanning" };

/** The scrub's bar: one per phase (rewrite, then verify), counted in commits; on a terminal only. */
export function createScrubProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }) {
  if (!stream.isTTY) return { update: undefined, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: "{phase} [{bar}] {value}/{total} commits", hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: ScrubPhase | null = null;
  return {
    update(p: ScrubPhase, done: number, total: number) {
      if (phase !== p) {
        if (phase) bar.stop();
        bar.start(Math.max(total, 1), 0, { phase: PHASES[p].padEnd(11) });
        phase = p;
      }
      bar.update(Math.min(done, total), { phase: PHASES[p].padEnd(11) });
    },
    stop: () => bar.stop(),
  };
}
