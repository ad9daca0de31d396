import type { Octokit } from "@octokit/core";
import type { OctokitOptions } from "@octokit/core/types";

// GitHub's limits, as "Rate limits for the REST API" (docs.github.com) states them, kept per
// installation client: budgets over sliding windows, not a fixed spacing, so a burst goes
// out at once while a window has room and waits only once it is spent.
//  - "No more than 80 content-generating requests per minute and no more than 500
//    content-generating requests per hour": issues, comments and labels.
//  - "No more than 900 points per minute are allowed for REST API endpoints" (per endpoint;
//    GET/HEAD/OPTIONS 1 point, POST/PATCH/PUT/DELETE 5): everything else, check runs included.
//  - "No more than 100 concurrent requests": one installation's requests go out one at a
//    time, as the same page's best practices ask ("make requests serially").
//  - A 403/429 rate-limit answer holds the whole installation until its `retry-after` (or,
//    for the primary limit, `x-ratelimit-reset`; else one minute, as the page says), then
//    the request is sent again, at most MAX_LIMITED times.
// Installation-token requests skip the lane: auth-app makes them from inside a paced request.

export interface Budgets {
  contentPerMinute: number;
  contentPerHour: number;
  pointsPerMinute: number;
  /** The windows' lengths; tests shrink them. */
  minuteMs: number;
  hourMs: number;
}

export const GITHUB_BUDGETS: Budgets = { contentPerMinute: 80, contentPerHour: 500, pointsPerMinute: 900, minuteMs: 60_000, hourMs: 3_600_000 };

const MAX_LIMITED = 3;
const FALLBACK_WAIT_S = 60;

/** The Octokit option this plugin reads. */
export interface PaceOption {
  budgets?: Partial<Budgets>;
  /** Called when GitHub answered a rate limit; the request waits and is sent again. */
  onLimited?(info: { url: string; waitMs: number; attempt: number }): void;
}

/** Requests that create what people see: issues, comments, labels (any write to them). */
export function isContentGenerating(method: string, route: string): boolean {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return false;
  return /^\/repos\/[^/]+\/[^/]+\/(issues|labels)(\/|$)/.test(route);
}

export function pointsOf(method: string): number {
  return method === "GET" || method === "HEAD" || method === "OPTIONS" ? 1 : 5;
}

/** Timestamps with weights, over one sliding window. */
class Window {
  private readonly spent: { at: number; n: number }[] = [];
  private total = 0;
  private readonly limit: number;
  private readonly ms: number;
  constructor(limit: number, ms: number) {
    this.limit = limit;
    this.ms = ms;
  }
  private drop(now: number) {
    while (this.spent.length && this.spent[0]!.at <= now - this.ms) this.total -= this.spent.shift()!.n;
  }
  /** How long until `n` more fit (0: now). */
  waitFor(n: number, now: number): number {
    this.drop(now);
    let free = this.limit - this.total;
    if (free >= n) return 0;
    for (const s of this.spent) {
      free += s.n;
      if (free >= n) return s.at + this.ms - now;
    }
    return this.ms;
  }
  free(now: number): number {
    this.drop(now);
    return Math.max(0, this.limit - this.total);
  }
  spend(n: number, now: number) {
    this.spent.push({ at: now, n });
    this.total += n;
  }
}

interface Lane {
  tail: Promise<unknown>;
  content: [Window, Window];
  points: Map<string, Window>;
  blockedUntil: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAuthRoute(url: string): boolean {
  return url.endsWith("/access_tokens");
}

/** Seconds GitHub asked us to wait, or null when the answer is no rate limit. */
export function limitWaitMs(err: unknown, now: number): number | null {
  const e = err as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  if (e.status !== 403 && e.status !== 429) return null;
  const h = e.response?.headers ?? {};
  const retryAfter = Number(h["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && h["retry-after"] !== undefined) return retryAfter * 1000;
  if (h["x-ratelimit-remaining"] === "0") {
    const reset = Number(h["x-ratelimit-reset"]) * 1000;
    return Number.isFinite(reset) ? Math.max(0, reset - now) + 1000 : FALLBACK_WAIT_S * 1000;
  }
  if (e.status === 429 || /secondary rate limit|abuse/i.test(e.message ?? "")) return FALLBACK_WAIT_S * 1000;
  return null; // a 403 for permissions: not ours to wait out
}

/** What the installation's lane can tell a job deciding whether an optional request is worth it. */
export interface PaceState {
  /** Requests of this installation waiting for their turn. */
  backlog(): number;
  /** Share (0..1) of the endpoint's points budget still free in the current minute. */
  room(method: string, route: string): number;
}

export function paceRequests(octokit: Octokit, octokitOptions: OctokitOptions): { pace: PaceState } {
  const options = octokitOptions as { pace?: PaceOption };
  const budgets = { ...GITHUB_BUDGETS, ...(options.pace?.budgets ?? {}) };
  const lane: Lane = {
    tail: Promise.resolve(),
    content: [new Window(budgets.contentPerMinute, budgets.minuteMs), new Window(budgets.contentPerHour, budgets.hourMs)],
    points: new Map(),
    blockedUntil: 0,
  };
  const windowOf = (endpoint: string) => {
    let w = lane.points.get(endpoint);
    if (!w) lane.points.set(endpoint, (w = new Window(budgets.pointsPerMinute, budgets.minuteMs)));
    return w;
  };

  let waiting = 0;
  octokit.hook.wrap("request", (request, opts) => {
    const method = String(opts.method ?? "GET").toUpperCase();
    // The route template (/repos/{owner}/{repo}/check-runs): one endpoint whatever the repository.
    const route = String(opts.url ?? "");
    if (isAuthRoute(route)) return request(opts);
    const content = isContentGenerating(method, route);
    const points = windowOf(`${method} ${route}`);
    const cost = pointsOf(method);
    const send = async () => {
      for (let attempt = 1; ; attempt++) {
        for (;;) {
          const now = Date.now();
          const wait = Math.max(lane.blockedUntil - now, points.waitFor(cost, now), content ? Math.max(lane.content[0].waitFor(1, now), lane.content[1].waitFor(1, now)) : 0);
          if (wait <= 0) break;
          await sleep(wait);
        }
        // Spent when the answer is in: GitHub counted the request at some moment before
        // that, so a window measured from here never runs ahead of GitHub's.
        const spend = () => {
          const now = Date.now();
          points.spend(cost, now);
          if (content) for (const w of lane.content) w.spend(1, now);
        };
        try {
          const answer = await request(opts);
          spend();
          return answer;
        } catch (err) {
          spend();
          const waitMs = limitWaitMs(err, Date.now());
          if (waitMs === null || attempt > MAX_LIMITED) throw err;
          lane.blockedUntil = Math.max(lane.blockedUntil, Date.now() + waitMs);
          options.pace?.onLimited?.({ url: route, waitMs, attempt });
        }
      }
    };
    // Serial: the next request of this installation starts when this one has its answer.
    waiting++;
    const go = () => {
      waiting--;
      return send();
    };
    const result = lane.tail.then(go, go);
    lane.tail = result.catch(() => {});
    return result;
  });
  return {
    pace: {
      backlog: () => waiting,
      room: (method, route) => {
        const w = windowOf(`${method.toUpperCase()} ${route}`);
        return w.free(Date.now()) / budgets.pointsPerMinute;
      },
    },
  };
}
