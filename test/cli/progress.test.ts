import { execFileSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { BlobFilter } from "../../src/git/engine.js";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { listBlobs } from "../../src/git/native/grep-blobs.js";
import type { Progress } from "../../src/findings/scan-history.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { mayHoldStripeKey, STRIPE_KEY_PCRE, STRIPE_MARKER_BYTES } from "../../src/detectors/index.js";
import { countHistory } from "../../src/cli/count-history.js";
import { createProgressBar, createScrubProgressBar, progressLine } from "../../src/cli/progress.js";
import { buildCli } from "../helpers/build-cli.js";
import { GIT_TEST_ENV, makeRepo } from "../helpers/repo.js";
import { synthesizeHistory } from "../helpers/synthetic-history.js";

const filter: BlobFilter = { test: mayHoldStripeKey, overlap: STRIPE_MARKER_BYTES - 1, pcre: STRIPE_KEY_PCRE };

/** 400 commits of 8 fresh 2 KB files each (3,200 blobs), a test key in every 40th commit. */
async function busyRepo() {
  const repo = makeRepo();
  await synthesizeHistory(repo.dir, { preset: "busy", env: GIT_TEST_ENV });
  return repo;
}

describe("progress of a history scan", () => {
  it("counts blobs and bytes as they are read, and ends equal to the final stats", async () => {
    const repo = await busyRepo();
    const seen: Progress[] = [];
    const engine = createNativeEngine(repo.dir, process.env, undefined, { prefilter: "grep" });
    const result = await scanHistory({ engine, selection: { all: true }, onProgress: (p) => seen.push({ ...p }) });
    await engine.close();
    expect(result.stats.blobs).toBe(3200);
    for (let i = 1; i < seen.length; i++) {
      for (const k of ["commits", "blobs", "bytes"] as const) expect(seen[i]![k]).toBeGreaterThanOrEqual(seen[i - 1]![k]);
    }
    expect(seen.some((p) => p.blobs > 0 && p.blobs < result.stats.blobs && p.bytes > 0)).toBe(true);
    const { commits, blobs, bytes } = result.stats;
    expect(seen.at(-1)).toEqual({ commits, blobs, bytes });
    // What the bar is told to expect is what the scan reads.
    expect(await countHistory(repo.dir)).toEqual({ commits, blobs, bytes });
  });

  it("hands on every blob git grep passed over before the content of any later match", async () => {
    const repo = await busyRepo();
    const engine = createNativeEngine(repo.dir, process.env, undefined, { prefilter: "grep" });
    const order = new Map((await listBlobs({ cwd: repo.dir })).oids.map((o, i) => [o, i] as const));
    const stream: Array<{ at: number; skipped: boolean }> = [];
    for await (const b of engine.readBlobs("all", filter)) stream.push({ at: order.get(b.oid)!, skipped: b.bytes === null });
    await engine.close();
    expect(stream).toHaveLength(3200);
    const hits = stream.filter((s) => !s.skipped);
    expect(hits.length).toBe(10);
    // Before the counting fix every skipped blob came after the last match.
    stream.forEach((s, i) => {
      if (s.skipped) return;
      const before = new Set(stream.slice(0, i).map((x) => x.at));
      for (const [, at] of order) if (at < s.at) expect(before.has(at)).toBe(true);
    });
  });

  it("shows 100 % only once the scan is over, with the final counts", () => {
    const totals = { commits: 10, blobs: 20, bytes: 2e6 };
    expect(progressLine({ commits: 10, blobs: 5, bytes: 1e6 }, totals, false)).toMatch(/ 50% \| 10\/10 commits \| 5\/20 blobs \| 1\.0\/2\.0 MB$/);
    expect(progressLine({ commits: 10, blobs: 20, bytes: 2e6 }, totals, false)).toContain(" 99% ");
    expect(progressLine({ commits: 10, blobs: 21, bytes: 2.1e6 }, totals, true)).toMatch(/ 100% \| 10\/10 commits \| 21\/21 blobs \| 2\.1\/2\.1 MB$/);
    expect(progressLine({ commits: 3, blobs: 4, bytes: 0 }, null, false)).toBe("scanning history | 3 commits | 4 blobs | 0.0 MB");
  });

  it("writes nothing when stderr is not a terminal", () => {
    const out = new PassThrough();
    let written = "";
    out.on("data", (c: Buffer) => (written += c.toString()));
    const bar = createProgressBar(out, Promise.resolve({ commits: 1, blobs: 1, bytes: 1 }));
    bar.update({ commits: 1, blobs: 1, bytes: 1 });
    bar.finish({ commits: 1, blobs: 1, bytes: 1 });
    bar.stop();
    expect(written).toBe("");
  });

  it("on a pseudo-terminal, the CLI's bar ends at 100 % with the counts of the report", async () => {
    const repo = await busyRepo();
    const cli = buildCli();
    // script(1) gives the CLI a real terminal; its output is the terminal's.
    const screen = execFileSync("script", ["-qc", `node ${JSON.stringify(cli)} scan --history ${JSON.stringify(repo.dir)}`, "/dev/null"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const frames = screen.split(/\x1b\[1G|\r/).filter((f) => f.includes("scanning history"));
    expect(frames.length).toBeGreaterThan(0);
    const last = frames.at(-1)!;
    const summary = /\((\d+) commits, (\d+) blobs, ([\d.]+) MB/.exec(screen)!;
    expect(last).toContain(` 100% | ${summary[1]}/${summary[1]} commits | ${summary[2]}/${summary[2]} blobs | ${summary[3]}/${summary[3]} MB`);
  });
});

describe("createScrubProgressBar", () => {
  it("shows one bar per phase, in commits, on a terminal", () => {
    const out = Object.assign(new PassThrough(), { isTTY: true });
    let written = "";
    out.on("data", (c: Buffer) => (written += c.toString()));
    const bar = createScrubProgressBar(out);
    bar.update!("rewrite", 1, 2);
    bar.update!("verify", 3, 2); // never past the total
    bar.stop();
    expect(written).toContain("rewriting");
    expect(written).toMatch(/re-scanning +\[[^\]]*\] 2\/2 commits/);
  });

  it("offers no updates and writes nothing when stderr is not a terminal", () => {
    const out = new PassThrough();
    let written = "";
    out.on("data", (c: Buffer) => (written += c.toString()));
    const bar = createScrubProgressBar(out);
    expect(bar.update).toBeUndefined();
    bar.stop();
    expect(written).toBe("");
  });
});
