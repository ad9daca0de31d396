import type { Logger } from "./create-logger.js";
import type { GitHub } from "./github/create-octokit.js";
import type { RepoInfo } from "./incidents/render-issue.js";
import type { Store } from "./store/store.js";

/** What every handler may use; built once in start-app.ts and passed down, never global. */
export interface AppContext {
  store: Store;
  log: Logger;
  dataDir: string;
  github(installationId: number): GitHub;
}

/** A repository as the handlers need it, whichever event named it. */
export interface RepoTarget extends RepoInfo {
  owner: string;
  name: string;
  cloneUrl: string;
  installationId: number;
}

export interface ScanRequest {
  repo: RepoTarget;
  /** The pushed commit (or tag object); null: the default branch tip (first sight on install). */
  after: string | null;
  /** The ref's previous commit; null for a new ref or an install. */
  before: string | null;
  ref: string | null;
  pusher: string | null;
  /** The push deleted the ref: nothing to scan, but incidents are re-checked. */
  deleted: boolean;
}
