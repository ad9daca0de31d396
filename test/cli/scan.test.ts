import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { makeRepo, runGit, tempDir } from "../helpers/repo.js";
import { runCli } from "../helpers/cli.js";

function leakyRepo() {
  const repo = makeRepo();
  const live = fakeKey();
  const restricted = fakeLongKey("rk");
  repo.commit("init", { "README.md": "# shop\n", ".gitignore": "node_modules\n" });
  const leak = repo.commit("wire stripe", { "server/pay.js": `const stripe = require("stripe")("${live}");\n` });
  repo.commit("move key to env", { "server/pay.js": "const stripe = require('stripe')(process.env.KEY);\n", ".env": `KEY=${restricted}\n` });
  return { repo, live, restricted, leak };
}

describe("leakguard scan", () => {
  it("exits 0 with a one-line all-clear on a clean tree", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "app.js"), "console.log('hi')\n");
    const r = await runCli(["scan", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No leaks found/);
  });

  it("finds keys in the working tree and exits 1, printing only the redacted form", async () => {
    const { repo, restricted } = leakyRepo();
    const r = await runCli(["scan"], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(redacted(restricted));
    expect(r.stdout).toContain(".env:1:5");
    expect(r.stdout).not.toContain(restricted);
  });

  it("does not report an ignored .env in the working tree", async () => {
    const repo = makeRepo();
    repo.commit("init", { ".gitignore": ".env\n" });
    repo.write(".env", `KEY=${fakeKey()}\n`);
    expect((await runCli(["scan", repo.dir])).code).toBe(0);
  });

  it("--history finds a key deleted long ago, with its commit, in the JSON contract", async () => {
    const { repo, live, leak } = leakyRepo();
    const r = await runCli(["scan", repo.dir, "--history", "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(Object.keys(report.stats)).toEqual(expect.arrayContaining(["commits", "blobs", "bytes", "ms"]));
    const f = report.findings.find((x: { path: string }) => x.path === "server/pay.js");
    expect(f).toEqual({
      rule: "stripe-live-secret-key",
      severity: "critical",
      path: "server/pay.js",
      line: 1,
      column: 35,
      commit: leak,
      blob: expect.stringMatching(/^[0-9a-f]{40}$/),
      author: "Ada Dev <ada@example.com>",
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      redacted: redacted(live),
      vector: "source",
      source: "file",
    });
    expect(r.stdout).not.toContain(live);
  });

  it("--range scans only the commits in A..B", async () => {
    const { repo, leak } = leakyRepo();
    const before = (await runCli(["scan", repo.dir, "--range", `${leak}..HEAD`, "--format", "json"])).stdout;
    expect(JSON.parse(before).findings.map((f: { path: string }) => f.path).sort()).toEqual([".env", ".env"]);
    const only = JSON.parse((await runCli(["scan", repo.dir, "--range", `${leak}~1..${leak}`, "--format", "json"])).stdout);
    expect(only.findings.map((f: { commit: string }) => f.commit)).toEqual([leak]);
  });

  it("writes a baseline, then reports only what is new", async () => {
    const { repo } = leakyRepo();
    const baseline = join(repo.dir, "..", `baseline-${Date.now()}.json`);
    const w = await runCli(["scan", repo.dir, "--history", "--write-baseline", baseline]);
    expect(w.code).toBe(0);
    expect(readFileSync(baseline, "utf8")).not.toMatch(/[sr]k_(live|test)_/);
    expect((await runCli(["scan", repo.dir, "--history", "--baseline", baseline])).code).toBe(0);
    const fresh = fakeKey();
    repo.commit("oops", { "billing.rb": `Stripe.api_key = "${fresh}"\n` });
    const r = await runCli(["scan", repo.dir, "--history", "--baseline", baseline, "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { redacted: string }) => f.redacted)).toEqual([redacted(fresh)]);
  });

  it("honours an inline leakguard:allow and counts it as suppressed", async () => {
    const repo = makeRepo();
    repo.commit("fixture", { "test/fixture.js": `export const k = "${fakeKey("sk", "test")}"; // leakguard:allow\n` });
    const r = await runCli(["scan", repo.dir, "--history", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stats.suppressed).toBe(1);
  });

  it("--output writes the report to a file and nothing to stdout", async () => {
    const { repo } = leakyRepo();
    const out = join(repo.dir, "..", `report-${Date.now()}.sarif`);
    const r = await runCli(["scan", repo.dir, "--history", "--format", "sarif", "--output", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).version).toBe("2.1.0");
  });

  it("says the history is partial for a shallow clone", async () => {
    const { repo } = leakyRepo();
    const clone = join(tempDir(), "shallow");
    runGit(repo.dir, ["clone", "-q", "--depth", "1", `file://${repo.dir}`, clone]);
    const r = await runCli(["scan", clone, "--history"]);
    expect(r.stdout).toContain("shallow clone");
    expect(JSON.parse((await runCli(["scan", clone, "--history", "--format", "json"])).stdout).stats.partial).toBe(true);
  });

  it("skips and counts submodules", async () => {
    const sub = makeRepo();
    sub.commit("lib", { "lib.js": `k = "${fakeKey()}"\n` });
    const repo = makeRepo();
    repo.commit("init", { "a.txt": "a\n" });
    runGit(repo.dir, ["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "vendor/lib"]);
    repo.commit("add submodule");
    const report = JSON.parse((await runCli(["scan", repo.dir, "--history", "--format", "json"])).stdout);
    expect(report.findings).toEqual([]);
    expect(report.stats.submodules).toBe(1);
  });

  describe("bad input: exit 2, one line, no stack", () => {
    it.each([
      ["a missing path", ["scan", "/definitely/not/here"], /no such file or directory/],
      ["a missing repository", ["scan", "/definitely/not/here", "--history"], /no such directory/],
      ["an unknown option", ["scan", "--frobnicate"], /unknown option/],
      ["an unknown format", ["scan", "--format", "xml"], /format/],
      ["a missing baseline", ["scan", ".", "--baseline", "/nope.json"], /cannot read baseline/],
    ])("%s", async (_name, args, message) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^\[leakguard\] /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it("a directory that is not a repository", async () => {
      const r = await runCli(["scan", tempDir(), "--history"]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/not a git repository/)]);
    });

    it("a key pasted where a revision belongs is not echoed back", async () => {
      const { repo } = leakyRepo();
      const key = fakeKey();
      const r = await runCli(["scan", repo.dir, "--range", `${key}..HEAD`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(redacted(key));
      expect(r.stderr).not.toContain(key);
    });

    it("a revision that does not exist", async () => {
      const { repo } = leakyRepo();
      const r = await runCli(["scan", repo.dir, "--range", "nope..HEAD"]);
      expect([r.code, r.stderr.trim()]).toEqual([2, "[leakguard] unknown revision: nope"]);
    });

    it("a corrupt object", async () => {
      const { repo } = leakyRepo();
      const blob = runGit(repo.dir, ["rev-parse", "HEAD:.env"]).trim();
      const file = join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2));
      writeFileSync(file, "garbage");
      const r = await runCli(["scan", repo.dir, "--history"]);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toMatch(/^\[leakguard\] /);
    });
  });
});
