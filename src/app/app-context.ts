import type { Logger } from "./create-logger.js";
import type { GitHub } from "./github/create-octokit.js";
import type { GithubRepo } from "./incidents/render-issue.js";
import type { NewDelivery, Store } from "./store/store.js";
import type { Batch } from "./worker.js";

/** What every handler may use; built once in start-app.ts and passed down, never global. */
export interface AppContext {
  store: Store;
  log: Logger;
  dataDir: string;
  /** How long one scan may run before it is stopped and reported as too large (neutral check). */
  scanBudgetMs: number;
  github(installationId: number): GitHub;
  /** The configured REST base URL: clone URLs must point at the same GitHub (github/trusted-clone-url.ts). */
  githubApiUrl: string;
  /** The installation the app has on `fullName`, as GitHub says (cached); `fresh` asks again. */
  installationOf(fullName: string, fresh?: boolean): Promise<number>;
  /** The app's own login on GitHub (`SLUG[bot]`): only what it wrote counts as an earlier attempt's work. */
  botLogin(): Promise<string>;
  /** Queues a job made by a job (an installation's repositories), and wakes this instance's worker. */
  enqueue(d: NewDelivery): Promise<boolean>;
  /** A job running longer than this gets an in_progress check run (github/track-check-run.ts). */
  inProgressAfterMs: number;
}

/** Which delivery a handler runs for, and whether a passing failure may still be retried. */
export interface JobInfo {
  deliveryId: string;
  attempt: number;
  /** No retry follows: a passing failure must now end in a neutral check run. */
  lastAttempt: boolean;
  /**
   * The first take of this delivery: no earlier attempt ever started, so nothing on GitHub can
   * carry its id yet and the look-ups that guard against a crashed attempt are skipped.
   */
  fresh: boolean;
  /** The deliveries of the same repository taken with this one (worker.ts). */
  batch: Batch;
}

/** A repository as the handlers need it, whichever event named it. */
export interface RepoTarget extends GithubRepo {
  owner: string;
  name: string;
  cloneUrl: string;
  installationId: number;
}

export interface ScanRequest {
  repo: RepoTarget;
  job: JobInfo;
  /** The pushed commit (or tag object); null: the default branch tip (first sight on install). */
  after: string | null;
  /** The ref's previous commit; null for a new ref or an install. */
  before: string | null;
  /** As shown to people: "branch main", "tag v1". */
  ref: string | null;
  /** The full ref name of a push (refs/heads/main). */
  refName: string | null;
  pusher: string | null;
  /** The push deleted the ref: nothing to scan, but incidents are re-checked. */
  deleted: boolean;
}
