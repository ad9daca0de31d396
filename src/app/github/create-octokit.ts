import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { Octokit } from "@octokit/rest";
import type { Logger } from "../create-logger.js";
import { createOnce } from "./create-once.js";
import { freshRetryCount } from "./fresh-retry-count.js";
import { paceRequests } from "./pace-requests.js";
import type { Budgets } from "./pace-requests.js";
import { refreshExpiredToken } from "./refresh-expired-token.js";

// One client class for the whole app: REST, GitHub's rate-limit budgets per installation
// (pace-requests.ts), back-off on 5xx (retry), and a fresh installation token when GitHub
// says the old one expired. The pacing plugin is registered first, so it wraps the actual
// sending: every retry of plugin-retry is paced and counted too. Creates are not retried
// blindly (create-once.ts): a second send looks for what the first one may have made.

const AppOctokit = Octokit.plugin(paceRequests, retry, freshRetryCount, refreshExpiredToken, createOnce);
export type GitHub = InstanceType<typeof AppOctokit>;

export interface GitHubOptions {
  appId: string;
  privateKey: string;
  baseUrl: string;
  log: Logger;
  /** First retry wait; later ones grow quadratically (plugin-retry). Tests shorten it. */
  retryBaseMs?: number;
  /** GitHub's documented budgets (pace-requests.ts) unless a test shrinks them. */
  budgets?: Partial<Budgets>;
  fetch?: typeof fetch;
}

export function createInstallationOctokit(opts: GitHubOptions, installationId: number): GitHub {
  return build(opts, installationId);
}

/** The app itself (JWT): for the routes that answer about installations, such as GET /repos/{owner}/{repo}/installation. */
export function createAppOctokit(opts: GitHubOptions): GitHub {
  return build(opts, null);
}

function build(opts: GitHubOptions, installationId: number | null): GitHub {
  const log = installationId === null ? opts.log.child({ as: "app" }) : opts.log.child({ installationId });
  return new AppOctokit({
    authStrategy: createAppAuth,
    auth: { appId: opts.appId, privateKey: opts.privateKey, ...(installationId === null ? {} : { installationId }) },
    baseUrl: opts.baseUrl,
    userAgent: "leakguard",
    log: {
      debug: () => {},
      info: () => {},
      warn: (msg: string) => log.warn(msg),
      error: (msg: string) => log.error(msg),
    },
    ...(opts.fetch ? { request: { fetch: opts.fetch } } : {}),
    retry: { retryAfterBaseValue: opts.retryBaseMs ?? 1000 },
    // One client per installation (start-app.ts caches them): its lane is the installation's.
    pace: {
      ...(opts.budgets ? { budgets: opts.budgets } : {}),
      onLimited: ({ url, waitMs, attempt }: { url: string; waitMs: number; attempt: number }) => log.warn({ url, waitMs, attempt }, "GitHub rate limit reached; waiting as GitHub asked"),
    },
  });
}

/** The installation access token, for git over HTTPS. Cached and renewed by auth-app. */
export async function installationToken(octokit: GitHub, refresh = false): Promise<string> {
  const auth = (await octokit.auth({ type: "installation", ...(refresh ? { refresh: true } : {}) })) as { token: string };
  return auth.token;
}
