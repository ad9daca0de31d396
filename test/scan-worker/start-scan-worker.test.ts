import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ScanTimeoutError, UsageError } from "../../src/errors.js";
import { startScanWorker } from "../../src/scan-worker/start-scan-worker.js";
import type { ScanJob } from "../../src/scan-worker/run-scan-job.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";

// The scan worker: what the hook and the app run every scan in, so that a time budget
// holds on content built to make matching slow (issue 8, item 5).

const history = (dir: string): ScanJob => ({ kind: "history", dir, env: process.env, selection: { all: true }, maxBlobBytes: null });

/** A repository whose one blob takes far longer to match than any budget below: a million keys on a line. */
function hostileRepo(): string {
  const repo = makeRepo();
  const keys = Array.from({ length: 1000 }, () => fakeKey());
  repo.commit("bundle", { "dist/app.js": Array.from({ length: 1_000_000 }, (_, i) => keys[i % 1000]).join(" ") });
  return repo.dir;
}

/**
 * Git children of this process still alive. A child that exited while its thread was stuck
 * in matching can still be left a zombie (state Z): dead, holding nothing but its pid, so
 * not counted here (stop-thread.ts; the thread's own children are reaped as stop-thread.test.ts shows).
 */
function ownGitChildren(): string[] {
  const out = execFileSync("ps", ["-o", "pid=,stat=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((l) => /\bgit\b/.test(l) && !/^\s*\d+\s+Z/.test(l));
}

describe("startScanWorker", () => {
  it("runs a history scan in a worker thread and returns its findings", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const leak = repo.commit("leak", { "pay.js": `stripe("${key}")\n` });
    const done = await startScanWorker().run(history(repo.dir), 60_000);
    expect(done.kind).toBe("history");
    if (done.kind !== "history") return;
    expect(done.result.findings).toMatchObject([{ rule: "stripe-live-secret-key", path: "pay.js", commit: leak }]);
    expect(JSON.stringify(done)).not.toContain(key);
  });

  it("gives back a job's own error with its class", async () => {
    await expect(startScanWorker().run(history(tempDir()), 60_000)).rejects.toBeInstanceOf(UsageError);
  });

  it("stops a scan in the middle of matching at the deadline, and leaves none of its git processes running", async () => {
    const dir = hostileRepo();
    const started = performance.now();
    await expect(startScanWorker().run(history(dir), 500)).rejects.toBeInstanceOf(ScanTimeoutError);
    // Loose: the point is that it settles at all while the worker is still matching.
    expect(performance.now() - started).toBeLessThan(500 + 3000);
    expect(ownGitChildren()).toEqual([]);
  });

  it("removes whatever a scan stopped at its deadline left in its scratch folder", async () => {
    const dir = hostileRepo();
    const tmp = tempDir();
    const saved = process.env["TMPDIR"];
    process.env["TMPDIR"] = tmp; // the thread's folder lands here, and the thread's tmpdir() is inside it
    try {
      const worker = startScanWorker();
      const run = worker.run(history(dir), 1500);
      const folders = readdirSync(tmp);
      expect(folders).toEqual([expect.stringMatching(/^leakguard-scan-/)]);
      // What a scan makes there (git grep's object directory) and never gets to remove.
      mkdirSync(join(tmp, folders[0]!, "leakguard-objects-left"));
      writeFileSync(join(tmp, folders[0]!, "leakguard-objects-left", "tree"), "x");
      await expect(run).rejects.toBeInstanceOf(ScanTimeoutError);
      await worker.close();
      await vi.waitFor(() => expect(readdirSync(tmp)).toEqual([]));
    } finally {
      if (saved === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = saved;
    }
  });

  it("keeps this thread's HTTP server answering while a hostile scan runs", async () => {
    const dir = hostileRepo();
    const server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const worker = startScanWorker();
    let scanSettled = false;
    const scan = worker.run(history(dir), 60_000).then(
      () => (scanSettled = true),
      () => (scanSettled = true),
    );
    try {
      await new Promise((r) => setTimeout(r, 1000)); // the worker is matching by now
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await res.text()).toBe("ok");
      expect(scanSettled).toBe(false);
    } finally {
      await worker.close();
      await scan;
      server.close();
    }
    expect(ownGitChildren()).toEqual([]);
  });
});
