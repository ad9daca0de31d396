import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import type { Logger } from "../create-logger.js";
import { refreshExpiredToken } from "./refresh-expired-token.js";

// One client class for the whole app: REST, rate-limit waits (throttling), back-off on
// 5xx (retry), and a fresh installation token when GitHub says the old one expired.

const AppOctokit = Octokit.plugin(throttling, retry, refreshExpiredToken);
export type GitHub = InstanceType<typeof AppOctokit>;

export interface GitHubOptions {
  appId: string;
  privateKey: string;
  baseUrl: string;
  log: Logger;
  /** First retry wait; later ones grow quadratically (plugin-retry). Tests shorten it. */
  retryBaseMs?: number;
  fetch?: typeof fetch;
}

const MAX_RATE_LIMIT_RETRIES = 3;

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
    throttle: {
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        log.warn({ retryAfter, url: options.url }, "GitHub rate limit reached");
        return retryCount < MAX_RATE_LIMIT_RETRIES;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        log.warn({ retryAfter, url: options.url }, "GitHub secondary rate limit reached");
        return retryCount < MAX_RATE_LIMIT_RETRIES;
      },
    },
  });
}

/** The installation access token, for git over HTTPS. Cached and renewed by auth-app. */
export async function installationToken(octokit: GitHub, refresh = false): Promise<string> {
  const auth = (await octokit.auth({ type: "installation", ...(refresh ? { refresh: true } : {}) })) as { token: string };
  return auth.token;
}
