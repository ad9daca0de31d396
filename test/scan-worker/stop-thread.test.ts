import { execFileSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { stopThread } from "../../src/scan-worker/stop-thread.js";

// A scan thread at its deadline may be stuck in synchronous matching while its git processes
// still run. Stopping it must leave nothing behind: no live child, and no zombie either.

/** A thread that starts `sleep` children, records their pids as the scan worker does, and never yields again. */
const STUCK = `
const { parentPort, workerData } = require("node:worker_threads");
const { spawn } = require("node:child_process");
const pids = new Int32Array(workerData.pids);
for (let i = 0; i < 4; i++) pids[i] = spawn("sleep", ["60"]).pid;
parentPort.postMessage("ready");
setTimeout(() => { for (;;) {} }, 5);
`;

/** `sleep` children of this process, alive or dead and not reaped. */
function sleepChildren(): string[] {
  const out = execFileSync("ps", ["-o", "pid=,stat=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((l) => /\bsleep\b/.test(l));
}

describe("stopThread", () => {
  it("ends a thread stuck in synchronous code and leaves none of its children, not even a zombie", async () => {
    for (let round = 0; round < 5; round++) {
      const pids = new Int32Array(new SharedArrayBuffer(4 * 8));
      const worker = new Worker(STUCK, { eval: true, workerData: { pids: pids.buffer } });
      await new Promise((resolve) => worker.once("message", resolve));
      await new Promise((resolve) => setTimeout(resolve, 20)); // now spinning
      expect(sleepChildren()).toHaveLength(4);
      await stopThread(worker, pids, new Int32Array(new SharedArrayBuffer(4)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sleepChildren()).toEqual([]);
    }
  });
});
