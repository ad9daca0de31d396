import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ScanTimeoutError, UsageError } from "../../src/errors.js";
import { createScanPool } from "../../src/scan-worker/scan-pool.js";
import { startScanWorker } from "../../src/scan-worker/start-scan-worker.js";
import type { ScanWorker } from "../../src/scan-worker/start-scan-worker.js";
import type { ScanJob } from "../../src/scan-worker/run-scan-job.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";

// The app's pool of scan threads: a thread that finished a job takes the next one, and
// the time budget still ends a thread (and its git processes) wherever it is.

const history = (dir: string): ScanJob => ({ kind: "history", dir, env: process.env, selection: { all: true }, maxBlobBytes: null });

function countingPool(maxIdle = 4) {
  const started: ScanWorker[] = [];
  const pool = createScanPool({ maxIdle, start: () => { const w = startScanWorker({ reusable: true }); started.push(w); return w; } });
  return { pool, started };
}

function leakyRepo(): { dir: string; key: string } {
  const repo = makeRepo();
  const key = fakeKey();
  repo.commit("leak", { "pay.js": `stripe("${key}")\n` });
  return { dir: repo.dir, key };
}

/** Live git children of this process (a zombie is dead: see start-scan-worker.test.ts). */
function ownGitChildren(): string[] {
  const out = execFileSync("ps", ["-o", "pid=,stat=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((l) => /\bgit\b/.test(l) && !/^\s*\d+\s+Z/.test(l));
}

describe("createScanPool", () => {
  it("runs one job after another on the same thread, each with its own findings", async () => {
    const { pool, started } = countingPool();
    try {
      const a = leakyRepo();
      const b = leakyRepo();
      const first = await pool.run(history(a.dir), 60_000);
      const second = await pool.run(history(b.dir), 60_000);
      expect(started).toHaveLength(1);
      for (const [done, repo] of [[first, a], [second, b]] as const) {
        expect(done.kind).toBe("history");
        if (done.kind !== "history") continue;
        expect(done.result.findings.map((f) => f.redacted)).toEqual([`sk_live_…${repo.key.slice(-4)}`]);
      }
    } finally {
      await pool.close();
    }
  });

  it("starts a second thread for a job that comes while the first is busy", async () => {
    const { pool, started } = countingPool();
    try {
      const [x, y] = await Promise.all([pool.run(history(leakyRepo().dir), 60_000), pool.run(history(leakyRepo().dir), 60_000)]);
      expect([x.kind, y.kind]).toEqual(["history", "history"]);
      expect(started).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it("ends a thread whose job ran out of time, with its git processes, and scans the next job on a fresh one", async () => {
    const { pool, started } = countingPool();
    try {
      const hostile = makeRepo();
      const keys = Array.from({ length: 1000 }, () => fakeKey());
      hostile.commit("bundle", { "dist/app.js": Array.from({ length: 1_000_000 }, (_, i) => keys[i % 1000]).join(" ") });
      await expect(pool.run(history(hostile.dir), 500)).rejects.toBeInstanceOf(ScanTimeoutError);
      expect(started[0]!.dead).toBe(true);
      expect(ownGitChildren()).toEqual([]);
      const next = await pool.run(history(leakyRepo().dir), 60_000);
      expect(next.kind).toBe("history");
      expect(started).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it("does not reuse a thread whose job failed", async () => {
    const { pool, started } = countingPool();
    try {
      await expect(pool.run(history(tempDir()), 60_000)).rejects.toBeInstanceOf(UsageError);
      expect(started[0]!.dead).toBe(true);
      await pool.run(history(leakyRepo().dir), 60_000);
      expect(started).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });
});
