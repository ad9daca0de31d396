import type { Octokit } from "@octokit/core";

// @octokit/plugin-retry 8.1.1 writes its retry count into `options.request`, an object the
// client shares between requests: after the first retry in a process every later request
// starts with that count, and its first transient 5xx waits (n+1)^2 seconds instead of one.
// Handing each request its own `request` object, with no count, keeps retries independent.
// Registered after plugin-retry, this wrapper runs before it.

export function freshRetryCount(octokit: Octokit): Record<string, never> {
  octokit.hook.wrap("request", (request, options) => {
    const { retryCount: _stale, ...rest } = (options.request ?? {}) as { retryCount?: number };
    return request({ ...options, request: rest } as typeof options);
  });
  return {};
}
