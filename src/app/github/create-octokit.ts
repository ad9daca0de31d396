import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck";
import type { Logger } from "../create-logger.js";
import { freshRetryCount } from "./fresh-retry-count.js";
import { refreshExpiredToken } from "./refresh-expired-token.js";

// One client class for the whole app: REST, rate-limit waits (throttling), back-off on
// 5xx (retry), and a fresh installation token when GitHub says the old one expired.

const AppOctokit = Octokit.plugin(throttling, retry, freshRetryCount, refreshExpiredToken);
export type GitHub = InstanceType<typeof AppOctokit>;

export interface GitHubOptions {
  appId: string;
  privateKey: string;
  baseUrl: string;
  log: Logger;
  /** First retry wait; later ones grow quadratically (plugin-retry). Tests shorten it. */
  retryBaseMs?: number;
  /** Spacing of one installation's writes; default WRITE_SPACING_MS. Tests shorten it. */
  writeSpacingMs?: number;
  fetch?: typeof fetch;
}

const MAX_RATE_LIMIT_RETRIES = 3;

/**
 * GitHub's secondary limits allow at most 80 content-creating requests a minute per
 * installation (docs: "Rate limits for the REST API", secondary rate limits): one write
 * every 750 ms stays under it. The throttling plugin's own defaults (1 s per write, 3 s per
 * issue or comment) are not GitHub's numbers, and its limiter groups are shared by every
 * client in the process unless each has its own `throttle.id`.
 */
export const WRITE_SPACING_MS = 750;

/** One write lane per installation, keyed by `throttle.id`; the plugin's extra notification lane is folded into it. */
function writeLanes(spacingMs: number) {
  return {
    write: new Bottleneck.Group({ id: "leakguard-write", maxConcurrent: 1, minTime: spacingMs }),
    notifications: new Bottleneck.Group({ id: "leakguard-notifications", maxConcurrent: 1, minTime: 0 }),
  };
}
const lanes = new Map<number, ReturnType<typeof writeLanes>>();
function lanesFor(spacingMs: number) {
  let l = lanes.get(spacingMs);
  if (!l) lanes.set(spacingMs, (l = writeLanes(spacingMs)));
  return l;
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
    throttle: {
      // Installations do not share a lane: one busy organisation never slows another.
      id: `installation-${installationId}`,
      ...lanesFor(opts.writeSpacingMs ?? WRITE_SPACING_MS),
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
