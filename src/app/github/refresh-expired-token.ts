import type { Octokit } from "@octokit/core";

// auth-app renews a token when its own clock says it expired. GitHub can still answer 401
// earlier (a revoked token, clock skew): then fetch a new token once and replay the request.

// The marker rides in `options.request`, which Octokit never sends (plugin-retry does the same).
interface Marked {
  request?: { leakguardTokenRefreshed?: boolean };
}

export function refreshExpiredToken(octokit: Octokit): Record<string, never> {
  octokit.hook.wrap("request", async (request, options) => {
    try {
      return await request(options);
    } catch (err) {
      const status = (err as { status?: number }).status;
      const url = String(options.url);
      if (status !== 401 || (options as Marked).request?.leakguardTokenRefreshed || url.includes("/access_tokens")) throw err;
      await octokit.auth({ type: "installation", refresh: true });
      return request({ ...options, request: { ...options.request, leakguardTokenRefreshed: true } } as typeof options);
    }
  });
  return {};
}
