import type { Json } from "./load-spec.js";

// Fault injection: the next matching request(s) get this answer instead of the real one, and
// change no state, so the caller's retry/throttle/refresh paths run against real HTTP.

export interface FaultSpec {
  /** Defaults to any method. */
  method?: string;
  /** A concrete path ("/repos/o/r/issues"), a spec template ("/repos/{owner}/{repo}/issues") or a RegExp on the path. */
  path: string | RegExp;
  /** HTTP status; ignored when `drop` is set. */
  status: number;
  /** Close the connection without answering (a reset), as a flaky network does. */
  drop?: boolean;
  headers?: Record<string, string>;
  /** Defaults to GitHub's message for the status. */
  body?: Json;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Wait this long first; with `pass`, then answer as usual (a slow GitHub, not a failing one). */
  delayMs?: number;
  pass?: boolean;
  /**
   * The request is carried out as usual (a create creates), then this answer replaces
   * GitHub's: a proxy's 502 or a reset after GitHub applied a write, which a blind retry
   * would apply twice.
   */
  applied?: boolean;
}

interface PendingFault extends FaultSpec {
  left: number;
}

export interface FaultQueue {
  add(spec: FaultSpec): void;
  /** The fault for this request, consumed, or undefined. */
  take(method: string, pathname: string, template: string | undefined): FaultSpec | undefined;
  pending(): number;
}

export function createFaultQueue(): FaultQueue {
  const faults: PendingFault[] = [];
  return {
    add: (spec) => faults.push({ ...spec, left: spec.times ?? 1 }),
    take(method, pathname, template) {
      const i = faults.findIndex(
        (f) =>
          (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
          (f.path instanceof RegExp ? f.path.test(pathname) : f.path === pathname || f.path === template),
      );
      const f = faults[i];
      if (!f) return undefined;
      if (--f.left <= 0) faults.splice(i, 1);
      return f;
    },
    pending: () => faults.reduce((n, f) => n + f.left, 0),
  };
}

const DOCS = "https://docs.github.com/rest";

/** Ready-made faults as GitHub sends them. */
export const FAULTS = {
  serverError: (status = 502): Omit<FaultSpec, "path"> => ({ status, body: { message: "Server Error" } }),
  /** Octokit's throttling plugin recognises this message and honours `retry-after`. */
  secondaryRateLimit: (retryAfterSeconds = 1): Omit<FaultSpec, "path"> => ({
    status: 403,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
    },
  }),
  /** Primary limit exhausted: remaining 0 and a reset time (epoch seconds) `resetInSeconds` away. */
  primaryRateLimit: (nowMs: number, resetInSeconds = 1): Omit<FaultSpec, "path"> => ({
    status: 403,
    headers: {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-used": "5000",
      "x-ratelimit-reset": String(Math.ceil(nowMs / 1000) + resetInSeconds),
    },
    body: { message: "API rate limit exceeded for installation.", documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api` },
  }),
  tooManyRequests: (retryAfterSeconds = 1): Omit<FaultSpec, "path"> => ({
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: { message: "Too many requests" },
  }),
  badCredentials: (): Omit<FaultSpec, "path"> => ({ status: 401, body: { message: "Bad credentials", documentation_url: DOCS } }),
  connectionReset: (): Omit<FaultSpec, "path"> => ({ status: 0, drop: true }),
  /** A write GitHub applied, answered with a 502 (or `status`) all the same. */
  appliedThenServerError: (status = 502): Omit<FaultSpec, "path"> => ({ status, applied: true, body: { message: "Server Error" } }),
  /** A correct answer, late. */
  slow: (delayMs: number): Omit<FaultSpec, "path"> => ({ status: 0, delayMs, pass: true }),
};
