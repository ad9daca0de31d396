import { describe, expect, it } from "vitest";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { WINDOW_BYTES } from "../../src/objects/history-targets.js";
import { MAX_WINDOWED_MESSAGE_BYTES } from "../../src/objects/walk-objects.js";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { makeRepo, runGit } from "../helpers/repo.js";

describe("scanHistory (native engine)", () => {
  it("finds a key that was added and later deleted, attributed to the commit that added it", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("init", { "README.md": "hello\n" });
    const leak = repo.commit("add config", { "config/stripe.js": `module.exports = "${key}";\n` });
    repo.commit("remove key", { "config/stripe.js": "module.exports = process.env.STRIPE_KEY;\n" });
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "stripe-live-secret-key",
      path: "config/stripe.js",
      line: 1,
      commit: leak,
      redacted: redacted(key),
      vector: "source",
      author: "Ada Dev <ada@example.com>",
    });
    expect(stats.commits).toBe(3);
    expect(JSON.stringify(findings)).not.toContain(key);
  });

  it("reports a committed .env, its key, and a long-shape key in a commit message", async () => {
    const repo = makeRepo();
    const key = fakeLongKey("rk");
    repo.commit("init", { ".env": `STRIPE_SECRET_KEY=${key}\n` });
    repo.commit(`rotate ${fakeKey()}`);
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(findings.map((f) => [f.rule, f.path, f.vector])).toEqual([
      ["stripe-live-secret-key", "(commit message)", "source"],
      ["dotenv-file", ".env", "dotenv"],
      ["stripe-live-restricted-key", ".env", "dotenv"],
    ]);
  });
});

describe("scanHistory on blobs larger than a window", () => {
  it("finds keys in a blob too big to gather, at their real line and column, each once", async () => {
    const repo = makeRepo();
    const deep = fakeKey();
    const cut = fakeKey("rk");
    // 40 MB of 100-byte lines with a key deep inside, then one line longer than a window
    // with a key near where a hard cut falls.
    const line = "x".repeat(99) + "\n";
    const before = 350_000;
    const body = Buffer.from(line.repeat(before) + `k = "${deep}"\n` + line.repeat(50_000));
    const long = Buffer.concat([Buffer.alloc(WINDOW_BYTES - 20, 0x61), Buffer.from(` ${cut} `), Buffer.alloc(1000, 0x61), Buffer.from("\n")]);
    repo.commit("dumps", { "data/dump.sql": body, "data/long.min.js": long });
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(stats.incomplete).toBe(false);
    expect(findings.map((f) => [f.path, f.line, f.column, f.redacted])).toEqual([
      ["data/dump.sql", before + 1, 6, redacted(deep)],
      ["data/long.min.js", 1, WINDOW_BYTES - 20 + 2, redacted(cut)],
    ]);
  }, 120_000);

  it("finds a key at the end of a 70 MB blob in a full-history scan (read in windows, not by git grep)", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    // 70 MB of NUL bytes (a few hundred KB once compressed), then a key: over git grep's share.
    repo.commit("image", { "assets/disk.img": Buffer.concat([Buffer.alloc(70 * 1024 * 1024), Buffer.from(`\n${key}\n`)]) });
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(stats).toMatchObject({ incomplete: false, blobs: 1 });
    expect(findings.map((f) => [f.path, f.line, f.redacted])).toEqual([["assets/disk.img", 2, redacted(key)]]);
  }, 120_000);

  it("finds a key at the end of a commit message larger than a window (read in windows, lines of the raw commit)", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const filler = "filler line\n".repeat(Math.ceil((WINDOW_BYTES + 4 * 1024 * 1024) / 12));
    runGit(repo.dir, ["commit", "-q", "--allow-empty", "-F", "-"], `subject\n\n${filler}key ${key}\n`);
    const commit = repo.head();
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(stats).toMatchObject({ incomplete: false, commits: 1 });
    expect(findings.map((f) => [f.path, f.source, f.commit, f.redacted])).toEqual([["(commit message)", "commit-message", commit, redacted(key)]]);
    expect(findings[0]!.line).toBeGreaterThan(filler.length / 12);
    // A range (the hook's and the app's selection) reads commits and blobs in one stream.
    const range = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { include: [commit], exclude: [] } });
    expect(range.findings.map((f) => [f.path, f.commit, f.redacted, f.line])).toEqual([["(commit message)", commit, redacted(key), findings[0]!.line]]);
  }, 120_000);

  it("names a commit whose message holds more key-shaped windows than it keeps as not read: incomplete, never clean", async () => {
    const repo = makeRepo();
    // Every window holds a key marker, so every window is kept for the detectors, past the bound.
    const marker = `sk_${"live"}_\n`;
    const body = marker.repeat(Math.ceil((MAX_WINDOWED_MESSAGE_BYTES + 2 * WINDOW_BYTES) / marker.length));
    runGit(repo.dir, ["commit", "-q", "--allow-empty", "-F", "-"], `subject\n\n${body}`);
    const { stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(stats).toMatchObject({ incomplete: true, unreadObjects: [repo.head()] });
  }, 120_000);
});
