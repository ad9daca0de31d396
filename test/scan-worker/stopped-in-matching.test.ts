import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ScanTimeoutError } from "../../src/errors.js";
import { startScanWorker } from "../../src/scan-worker/start-scan-worker.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo } from "../helpers/repo.js";

// A scan stopped at its deadline while its thread is deep in matching a hostile blob (one
// line of key after key): a child is reaped by the loop of the thread that started it, so a
// thread terminated there left its git a zombie, one pid per timed-out scan, for as long as
// the app ran. A pusher who can make scans time out could use up the container's pids.

/** git children of this process in any state: a zombie ("Z") counts. */
function gitChildren(): string[] {
  const out = execFileSync("ps", ["-o", "pid=,stat=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((l) => /\bgit\b/.test(l)).map((l) => l.trim());
}

describe("a scan thread stopped while it matches", () => {
  it("leaves no git process behind, not even a zombie, scan after scan", { timeout: 120_000 }, async () => {
    const repo = makeRepo();
    const keys = Array.from({ length: 1000 }, () => fakeKey());
    repo.commit("bundle", { "dist/app.js": Array.from({ length: 1_000_000 }, (_, i) => keys[i % 1000]).join(" ") });
    for (let round = 0; round < 3; round++) {
      // As the app's pool starts them: given time to end by itself (scan-pool.ts).
      const worker = startScanWorker({ reusable: true, stopGraceMs: 30_000 });
      const err = await worker.run({ kind: "history", dir: repo.dir, env: process.env, selection: { all: true }, maxBlobBytes: null }, 1000 + 100 * round).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScanTimeoutError);
      await worker.close();
      await new Promise((r) => setTimeout(r, 100));
      expect(gitChildren()).toEqual([]);
    }
  });
});
