// GitHub's secondary limit on content creation: "no more than 80 content-generating requests per
// minute" (issues, comments, labels...). Opt-in, on the double's clock, so a test can show that a
// burst (say, one issue per key on a repo's first scan) slows down instead of failing.

export interface ContentLimit {
  /** Seconds to wait if this request would exceed the limit, else 0 (and the request is counted). */
  admit(nowMs: number): number;
}

const WINDOW_MS = 60_000;

export function createContentLimit(perMinute: number): ContentLimit {
  const times: number[] = [];
  return {
    admit(nowMs) {
      while (times.length > 0 && times[0]! <= nowMs - WINDOW_MS) times.shift();
      if (times.length >= perMinute) return Math.max(1, Math.ceil((times[0]! + WINDOW_MS - nowMs) / 1000));
      times.push(nowMs);
      return 0;
    },
  };
}

/** POSTs that create something people see; reads and edits do not count. */
export function createsContent(method: string, template: string): boolean {
  return method === "POST" && !template.startsWith("/app/") && !template.endsWith("/access_tokens");
}
