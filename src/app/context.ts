import type { Logger } from "./create-logger.js";
import type { GitHub } from "./github/create-octokit.js";
import type { RepoInfo } from "./incidents/render-issue.js";
import type { Store } from "./store/store.js";

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
  /** As shown to people: "branch main", "tag v1". */
  ref: string | null;
  /** The full ref name of a push (refs/heads/main). */
  refName: string | null;
  pusher: string | null;
  /** The push deleted the ref: nothing to scan, but incidents are re-checked. */
  deleted: boolean;
}
