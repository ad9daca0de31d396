import type { Octokit } from "@octokit/core";

// A create whose answer was lost (a proxy's 502 after GitHub applied it, a connection reset)
// may have been carried out: plugin-retry would send it again and make a second issue,
// comment or check run. Creates go out with the client's own retries off (NO_BLIND_RETRY);
// after a failure that may hide an applied write, `find` looks for what the lost attempt
// made, and only when it finds nothing is the create sent again, after the wait
// plugin-retry would have taken.

/** Per-request option: plugin-retry does not retry this call. */
export const NO_BLIND_RETRY = { request: { retries: 0 } } as const;

/** Sends of one create at most, as plugin-retry's default (one and three retries). */
const SENDS = 4;

export interface CreateOnce {
  /** `create`, unless `find` shows that an earlier send of it was applied. */
  createOnce<T>(create: () => Promise<T>, find: () => Promise<T | null>): Promise<T>;
}

export function createOnce(_octokit: Octokit, options: { retry?: { retryAfterBaseValue?: number } }): CreateOnce {
  const baseMs = options.retry?.retryAfterBaseValue ?? 1000;
  return {
    async createOnce(create, find) {
      for (let send = 1; ; send++) {
        try {
          return await create();
        } catch (err) {
          if (send >= SENDS || !mayHaveBeenApplied(err)) throw err;
          await new Promise((r) => setTimeout(r, baseMs * send ** 2));
          const found = await find();
          if (found !== null) return found;
        }
      }
    },
  };
}

/** A 5xx, or octokit's 500 for a request that got no answer at all: GitHub may have acted on it. */
function mayHaveBeenApplied(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && status >= 500;
}
