import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { Selection } from "../../src/git/engine.js";
import { scanPush } from "../../src/hook/scan-push.js";
import { screenPush } from "../../src/hook/screen-push.js";
import { runScanJob } from "../../src/scan-worker/run-scan-job.js";
import { startScanWorker } from "../../src/scan-worker/start-scan-worker.js";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";
import { killGit } from "./kill-git.js";
import { createPushFixture } from "./push-fixture.js";
import { expectAccepted, expectRejected, started } from "./push-expect.js";

// The hook walks a push through the scan's own prefilter on its main thread first
// (src/hook/screen-push.ts): a push where nothing can need a detector is decided there,
// every object read and counted, and no worker thread is started (issue 8: a stoppable
// scan must not cost every push a thread's start-up). Anything a detector may need, in
// whatever form, still goes to the worker and is found.

/** A repository whose main holds one clean commit, and a commit on top that no ref reaches yet: what a push brings. */
function pushed(files: Record<string, string | Buffer>, message = "change"): { repo: TestRepo; selection: Selection } {
  const repo = makeRepo();
  repo.commit("init", { "README.md": "shop\n" });
  const next = repo.commit(message, files);
  repo.git("reset", "-q", "--hard", "HEAD^");
  return { repo, selection: { include: [next], excludeAllRefs: true } };
}

/** scanPush with a worker starter that records whether it was called. */
async function scanCounting(repo: TestRepo, selection: Selection) {
  let workers = 0;
  const outcome = await scanPush({
    repoDir: repo.dir,
    env: GIT_TEST_ENV,
    selection,
    remainingMs: 60_000,
    budgetMs: 60_000,
    maxBlobBytes: null,
    startWorker: () => {
      workers++;
      return startScanWorker();
    },
  });
  if (outcome.kind !== "scanned") throw new Error(`scan did not complete: ${JSON.stringify(outcome)}`);
  return { outcome, workers };
}

describe("the hook's screen: a push with nothing for the detectors", () => {
  it("is decided without a worker thread, with the same counts as the full scan", async () => {
    const { repo, selection } = pushed({ "src/a.js": "export const a = 1;\n", "src/b.js": "export const b = 2;\n", "docs/c.md": "# c\n" });
    const { outcome, workers } = await scanCounting(repo, selection);
    expect(workers).toBe(0);
    expect(outcome.findings).toEqual([]);
    expect(outcome.stats.blobs).toBe(3);
    expect(outcome.stats.commits).toBe(1);
    expect(outcome.stats.incomplete).toBe(false);
    const full = await runScanJob({ kind: "history", dir: repo.dir, env: GIT_TEST_ENV, selection, maxBlobBytes: null }, new AbortController().signal);
    if (full.kind !== "history") throw new Error("wrong job");
    expect({ ...outcome.stats, ms: 0 }).toEqual({ ...full.result.stats, ms: 0 });
  });

  it("says so only after reading every blob: a screen stopped at its deadline is a timeout, not clean", async () => {
    const { repo, selection } = pushed({ "src/a.js": "export const a = 1;\n" });
    await expect(screenPush({ repoDir: repo.dir, env: GIT_TEST_ENV, selection, timeoutMs: 0 })).rejects.toMatchObject({ code: "SCAN_TIMEOUT" });
  });
});

describe("the hook's screen hands on to the detectors whatever form a key takes", () => {
  const key = fakeKey();
  // [what, files, commit message, whether the key's own bytes appear nowhere in the files]
  const cases: Array<[string, Record<string, string | Buffer>, string | undefined, boolean]> = [
    ["a key in plain text", { "src/pay.js": `const k = "${key}";\n` }, undefined, false],
    ["a key in base64 only", { "k8s/secret.yaml": `data:\n  STRIPE: ${Buffer.from(key).toString("base64")}\n` }, undefined, true],
    ["a key gzip-compressed at a path that says nothing of an archive", { "assets/blob.bin": gzipSync(Buffer.from(`STRIPE_SECRET_KEY=${key}\n`)) }, undefined, true],
    ["a key JSON-escaped", { "config.json": `{"k": "\\u0073k_live_${key.slice(8)}"}\n` }, undefined, true],
    ["a key only in the commit message", { "src/a.js": "export const a = 1;\n" }, `deploy with ${key}`, true],
    ["a key in a file name", { [`keys/${key}.txt`]: "x\n" }, undefined, true],
    ["a .env with no key in it", { ".env": "DEBUG=1\n" }, undefined, true],
  ];
  for (const [what, files, message, hidden] of cases) {
    it(`${what}: the worker starts and the finding is reported`, async () => {
      const { repo, selection } = pushed(files, message);
      if (hidden) for (const c of Object.values(files)) expect(Buffer.from(c).includes(key)).toBe(false);
      const { outcome, workers } = await scanCounting(repo, selection);
      expect(workers).toBe(1);
      expect(outcome.findings.length).toBeGreaterThan(0);
      if (!what.includes(".env")) expect(outcome.findings.some((f) => f.redacted === redacted(key))).toBe(true);
      else expect(outcome.findings.map((f) => f.rule)).toContain("dotenv-file");
    });
  }
});

let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
});

describe("pre-receive hook, pushes the screen decides and pushes it hands on", () => {
  it("accepts a clean one-commit push", async () => {
    const { repo } = await started(fx);
    repo.commit("clean change", { "src/a.js": "export const a = 1;\n" });
    expectAccepted(fx.push(repo, ["origin", "main"]));
  });

  it("rejects a push whose only key is inside a gzip stream at a neutral path", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    const gz = gzipSync(Buffer.from(`STRIPE_SECRET_KEY=${key}\n`));
    expect(gz.includes(key)).toBe(false);
    repo.commit("asset", { "assets/data.bin": gz });
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain(redacted(key));
  });

  it("rejects, under failMode closed, a clean push whose walk (git log) was killed during the screen", async () => {
    const { remote, repo } = await started(fx);
    killGit(remote, "log");
    repo.commit("clean change", { "a.txt": "a\n" });
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, []);
    expect(r.output).toContain("killed by SIGTERM");
    expect(r.output).toContain("failMode: closed");
  });
});
