// GitHub's secondary rate limits per installation, as "Rate limits for the REST API" states
// them (docs.github.com), enforced on the double's clock for the benchmark and the pacing
// tests: a request beyond a budget is answered 403 "secondary rate limit" with
// `retry-after`, and counted, so a run proves the app stayed within GitHub's numbers.
//  - at most 80 content-generating requests a minute and 500 an hour (issues, comments, labels);
//  - at most 900 points a minute per REST endpoint (GET/HEAD/OPTIONS 1, other methods 5);
//  - at most 100 concurrent requests.

export interface SecondaryLimitOptions {
  contentPerMinute: number;
  contentPerHour: number;
  pointsPerMinute: number;
  concurrent: number;
  minuteMs: number;
  hourMs: number;
}

export const GITHUB_SECONDARY_LIMITS: SecondaryLimitOptions = { contentPerMinute: 80, contentPerHour: 500, pointsPerMinute: 900, concurrent: 100, minuteMs: 60_000, hourMs: 3_600_000 };

export interface SecondaryLimits {
  /** A request with this credential started / ended (for the concurrency limit). */
  enter(credential: string): void;
  leave(credential: string): void;
  /** Seconds to wait when this request of installation `who` exceeds a budget (it is then not counted), else 0 (counted). */
  admit(who: string, credential: string, method: string, template: string, nowMs: number): number;
  /** Answers given so far because a budget was exceeded. */
  readonly refused: number;
}

/** Writes to issues, comments and labels: what GitHub counts as content-generating. */
export function generatesContent(method: string, template: string): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS" && /^\/repos\/\{owner\}\/\{repo\}\/(issues|labels)(\/|$)/.test(template);
}

type Spent = { at: number; n: number }[];

function used(spent: Spent, since: number): number {
  while (spent.length && spent[0]!.at <= since) spent.shift();
  return spent.reduce((a, s) => a + s.n, 0);
}

/** Seconds until `spent` has room for `n` more under `limit` over `ms`. */
function waitSeconds(spent: Spent, limit: number, n: number, ms: number, now: number): number {
  let free = limit - used(spent, now - ms);
  if (free >= n) return 0;
  for (const s of spent) {
    free += s.n;
    if (free >= n) return Math.max(1, Math.ceil((s.at + ms - now) / 1000));
  }
  return Math.ceil(ms / 1000);
}

export function createSecondaryLimits(partial: Partial<SecondaryLimitOptions> = {}): SecondaryLimits {
  const o = { ...GITHUB_SECONDARY_LIMITS, ...partial };
  const inflight = new Map<string, number>();
  const content = new Map<string, { minute: Spent; hour: Spent }>();
  const points = new Map<string, Spent>();
  let refused = 0;
  return {
    enter(who) {
      inflight.set(who, (inflight.get(who) ?? 0) + 1);
    },
    leave(who) {
      inflight.set(who, (inflight.get(who) ?? 1) - 1);
    },
    admit(who, credential, method, template, now) {
      const cost = method === "GET" || method === "HEAD" || method === "OPTIONS" ? 1 : 5;
      const endpoint = `${who} ${method} ${template}`;
      const p = points.get(endpoint) ?? [];
      points.set(endpoint, p);
      const c = content.get(who) ?? { minute: [], hour: [] };
      content.set(who, c);
      const isContent = generatesContent(method, template);
      const wait = Math.max(
        (inflight.get(credential) ?? 0) > o.concurrent ? 1 : 0,
        waitSeconds(p, o.pointsPerMinute, cost, o.minuteMs, now),
        isContent ? waitSeconds(c.minute, o.contentPerMinute, 1, o.minuteMs, now) : 0,
        isContent ? waitSeconds(c.hour, o.contentPerHour, 1, o.hourMs, now) : 0,
      );
      if (wait > 0) {
        refused++;
        return wait;
      }
      p.push({ at: now, n: cost });
      if (isContent) {
        c.minute.push({ at: now, n: 1 });
        c.hour.push({ at: now, n: 1 });
      }
      return 0;
    },
    get refused() {
      return refused;
    },
  };
}
