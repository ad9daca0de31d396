import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Logger } from "./create-logger.js";

// The HTTP server, the queue and the GitHub calls share one event loop; the scans run in
// worker threads. Whatever still blocks the loop (a synchronous SQLite commit, parsing, a
// log line) delays every acknowledgement behind it: each period in which the loop was held
// up past BLOCKED_MS is logged with its percentiles, so an operator (and the scale benchmark)
// sees it. A quiet loop logs nothing.

const PERIOD_MS = 5_000;
const BLOCKED_MS = 50;

export function watchEventLoop(log: Logger): () => void {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const timer = setInterval(() => {
    if (h.count > 0 && ms(h.max) > BLOCKED_MS) log.info({ loopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) } }, "event loop delay");
    h.reset();
  }, PERIOD_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    h.disable();
  };
}
