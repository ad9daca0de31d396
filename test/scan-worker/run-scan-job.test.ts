import { describe, expect, it } from "vitest";
import { runScanJob } from "../../src/scan-worker/run-scan-job.js";
import type { ScanJob } from "../../src/scan-worker/run-scan-job.js";
import { fakeKey } from "../helpers/keys.js";
import type { Selection } from "../../src/git/engine.js";
import { GIT_TEST_ENV, makeRepo, runGit } from "../helpers/repo.js";
import { missingBlob } from "../git/history-fixtures.js";

// The hook's size limit (maxBlobBytes) keeps big blobs from the detectors; it must not
// change how they are read: the scan's filter still decides what is gathered, and a
// missing object is still named as unread rather than failing the whole read.

const history = (dir: string, maxBlobBytes: number | null, selection: Selection = { all: true }): ScanJob => ({ kind: "history", dir, env: GIT_TEST_ENV, selection, maxBlobBytes });

async function run(job: ScanJob) {
  const done = await runScanJob(job, new AbortController().signal);
  if (done.kind !== "history") throw new Error("wrong job");
  return done;
}

describe("a history job with maxBlobBytes", () => {
  it("names a missing blob as unread: the result is incomplete, not a failed read", async () => {
    const { dir, missing } = missingBlob();
    // Named by the walk of a range, as a push's scan names it (a full read lists only what is there).
    const done = await run(history(dir, 1000, { include: [runGit(dir, ["rev-parse", "HEAD"]).trim()] }));
    expect(done.result.stats.incomplete).toBe(true);
    expect(done.result.stats.unreadObjects).toContain(missing);
  });

  it("counts a keyed blob over the limit as not scanned, and still scans the ones under it", async () => {
    const repo = makeRepo();
    const big = fakeKey();
    const small = fakeKey();
    repo.commit("files", { "dump.sql": "x".repeat(2000) + big + "\n", "pay.js": `const k = "${small}";\n`, "clean.txt": "y".repeat(5000) + "\n" });
    const done = await run(history(repo.dir, 1000));
    // clean.txt is over the limit too, but the filter read it whole and found nothing to match: it was scanned.
    expect(done.skippedBlobs).toBe(1);
    expect(done.result.findings.map((f) => f.path)).toEqual(["pay.js"]);
  });
});
