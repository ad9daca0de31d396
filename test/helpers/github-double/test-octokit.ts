import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import type { GitHubDouble } from "./index.js";
import type { TestApp } from "./index.js";

/** Octokit logs every 4xx; the double's own tests provoke many on purpose. */
export const quietLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * An Octokit authenticated as the test app's installation against the double, built from
 * `Base` (plain, or with the throttling/retry plugins) with any extra options merged in.
 */
export function installationOctokitFor<T extends typeof Octokit>(
  gh: GitHubDouble,
  app: TestApp,
  installationId: number,
  Base: T = Octokit as T,
  extra: Record<string, unknown> = {},
): InstanceType<T> {
  return new Base({
    baseUrl: gh.url,
    log: quietLog,
    authStrategy: createAppAuth,
    auth: { appId: app.appId, privateKey: app.privateKeyPem, installationId },
    ...extra,
  }) as InstanceType<T>;
}
