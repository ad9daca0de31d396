import type { Logger } from "../create-logger.js";
import type { CheckRunBody, KnownCheckRun } from "./check-run.js";
import { publishCheckRun, startCheckRun } from "./check-run.js";
import type { GitHub } from "./create-octokit.js";

// The check run of one job: `in_progress` once the job has run for `inProgressAfterMs`,
// completed with the result. Every installation's writes share one lane spaced by GitHub's
// secondary limit (create-octokit.ts), so an in_progress run costs a whole write slot: a
// job done sooner than that (most clean pushes) goes straight to a completed run, and a
// longer one shows that it is being worked on. Either way the run carries the delivery id
// as external_id, and a retried job completes the run an earlier attempt made.

/** GitHub's own guidance is "at the start"; a job done within this is shown once, completed. */
export const IN_PROGRESS_AFTER_MS = 2_000;

/** The check-runs endpoint, as the pacing keys its points budget. */
const CHECK_RUNS_ROUTE = "/repos/{owner}/{repo}/check-runs";

export interface CheckRunTracker {
  /** The commit the run goes on, once the job knows it: the in_progress run may be made from here on. */
  on(headSha: string): void;
  /** Completes (or makes) the run on `headSha`. */
  publish(headSha: string, body: CheckRunBody): Promise<number>;
  /** The job ended: no in_progress run may be started after it (one in flight completes, and a retry finds it). */
  stop(): void;
}

export function trackCheckRun(gh: GitHub, repo: { owner: string; repo: string }, externalId: string, opts: { inProgressAfterMs: number; log: Logger; fresh?: boolean }): CheckRunTracker {
  let head: string | null = null;
  let due = false;
  let started: Promise<KnownCheckRun | null> | null = null;
  /** A start was sent and failed: GitHub may have made the run all the same, so the completion looks. */
  let startFailed = false;
  const begin = () => {
    if (started || !head || !due) return;
    // The in_progress run is a courtesy: when the installation's requests queue up or its
    // check-run budget is half spent, the completed run is what gets the slot.
    if (gh.pace.backlog() > 0 || gh.pace.room("POST", CHECK_RUNS_ROUTE) < 0.5) {
      opts.log.debug({ backlog: gh.pace.backlog() }, "in_progress check run skipped: GitHub budget short");
      return;
    }
    // A failed start is no failed job: the completion looks the run up again (it may exist).
    started = startCheckRun(gh, repo, head, externalId, opts.fresh ?? false).catch((err: unknown) => {
      startFailed = true;
      opts.log.warn({ err }, "in_progress check run not created");
      return null;
    });
  };
  const timer = setTimeout(() => {
    due = true;
    begin();
  }, opts.inProgressAfterMs);
  timer.unref();
  return {
    on(sha) {
      if (head) return;
      head = sha;
      begin();
    },
    stop() {
      clearTimeout(timer);
    },
    async publish(sha, body) {
      clearTimeout(timer);
      const run = started && head === sha ? await started : null;
      return publishCheckRun(gh, repo, sha, body, { externalId, started: run, fresh: (opts.fresh ?? false) && !startFailed });
    },
  };
}
