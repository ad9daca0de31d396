import { monitorEventLoopDelay } from "node:perf_hooks";
import type { DoorLog } from "./server.js";

// Two event loops matter: the door's thread's, where whatever blocks (a synchronous SQLite
// commit, parsing, a log line) delays every acknowledgement behind it, and the jobs' thread's
// (the queue, the GitHub calls). Each period in which a loop was held up past BLOCKED_MS is
// logged with its percentiles and the thread's name, so an operator (and the scale benchmark)
// sees it. A quiet loop logs nothing.

const PERIOD_MS = 5_000;
const BLOCKED_MS = 50;

export function watchEventLoop(log: Pick<DoorLog, "info">, thread: "door" | "jobs"): () => void {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const timer = setInterval(() => {
    if (h.count > 0 && ms(h.max) > BLOCKED_MS) log.info({ thread, loopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) } }, "event loop delay");
    h.reset();
  }, PERIOD_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    h.disable();
  };
}
