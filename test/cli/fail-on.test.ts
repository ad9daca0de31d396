import { describe, expect, it } from "vitest";
import { fakeKey } from "../helpers/keys.js";
import { runCli } from "../helpers/cli.js";
import { makeRepo } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";

// The CI gate: --fail-on and .leakguard.yml decide which findings fail (exit 1); every
// finding is still reported. A repository's own file can fold test keys in its fixtures
// and raise the threshold, but a live key always fails.

interface Report {
  findings: Array<{ rule: string; path: string }>;
  stats: { suppressed: number };
}

function repoWithTestKey(files: Record<string, string> = {}): TestRepo {
  const repo = makeRepo();
  repo.commit("fixtures", { "test/fixtures/charge.json": `{"key":"${fakeKey("sk", "test")}"}\n`, ...files });
  return repo;
}

const json = (stdout: string) => JSON.parse(stdout) as Report;

describe("--fail-on", () => {
  it("by default fails on any finding, a test key included", async () => {
    const repo = repoWithTestKey();
    expect((await runCli(["scan", "--history", "--no-progress"], { cwd: repo.dir })).code).toBe(1);
  });

  it("exits 1 only for findings at or above the threshold, and still reports the rest", async () => {
    const repo = repoWithTestKey(); // stripe-test-secret-key: medium
    for (const [level, code] of [["low", 1], ["medium", 1], ["high", 0], ["critical", 0]] as const) {
      const r = await runCli(["scan", "--history", "--fail-on", level, "--format", "json", "--no-progress"], { cwd: repo.dir });
      expect({ level, code: r.code }).toEqual({ level, code });
      expect(json(r.stdout).findings).toHaveLength(1);
    }
    const r = await runCli(["scan", "--history", "--fail-on", "high", "--no-progress"], { cwd: repo.dir });
    expect(r.stderr).toContain("1 finding(s) below the fail threshold (high): not failing");
  });

  it("a live secret key fails at every threshold", async () => {
    const repo = makeRepo();
    repo.commit("leak", { "pay.js": `const k = "${fakeKey()}";\n` });
    const r = await runCli(["scan", "--fail-on", "critical", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(1);
  });

  it("rejects an unknown severity with exit 2", async () => {
    const r = await runCli(["scan", "--fail-on", "severe"], { cwd: makeRepo().dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-on/);
  });
});

describe(".leakguard.yml", () => {
  it("sets the threshold; the flag overrides it", async () => {
    const repo = repoWithTestKey({ ".leakguard.yml": "failOn: high\n" });
    const r = await runCli(["scan", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`(high from ${repo.dir}/.leakguard.yml)`);
    expect((await runCli(["scan", "--no-progress", "--fail-on", "low"], { cwd: repo.dir })).code).toBe(1);
  });

  it("folds test keys under the fixture globs and counts them as suppressed", async () => {
    const repo = repoWithTestKey({ ".leakguard.yml": 'testFixtures:\n  - "test/fixtures/**"\n', "src/pay.js": `k = "${fakeKey("sk", "test")}"\n` });
    const r = await runCli(["scan", "--history", "--format", "json", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(1); // the test key in src/ is outside the fixtures
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(["src/pay.js"]);
    expect(json(r.stdout).stats.suppressed).toBe(1);
  });

  it("never silences a live key or a .env file by path, whatever the globs say", async () => {
    const live = fakeKey();
    const restricted = fakeKey("rk");
    const repo = makeRepo();
    repo.commit("leak", {
      ".leakguard.yml": 'failOn: high\ntestFixtures: ["**"]\n',
      "test/fixtures/live.json": `{"key":"${live}"}\n`,
      "test/fixtures/restricted.json": `{"key":"${restricted}"}\n`,
      "test/fixtures/.env": "A=1\n",
    });
    const r = await runCli(["scan", "--format", "json", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.rule).sort()).toEqual(["dotenv-file", "stripe-live-restricted-key", "stripe-live-secret-key"]);
    expect(r.stdout).not.toContain(live);
  });

  it("cannot raise the threshold past high, where a live restricted key would pass", async () => {
    const repo = makeRepo();
    repo.commit("lax", { ".leakguard.yml": "failOn: critical\n", "k.txt": `${fakeKey("rk")}\n` });
    const r = await runCli(["scan", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\[leakguard\] bad config \S+\.leakguard\.yml: failOn: must be one of high, medium, low/);
    // The command line is the CI owner's own choice.
    expect((await runCli(["scan", "--no-progress", "--fail-on", "critical", "--config", "/dev/null"], { cwd: repo.dir })).code).toBe(0);
  });

  it("takes the baseline path from the file, relative to it", async () => {
    const repo = repoWithTestKey();
    expect((await runCli(["scan", "--write-baseline", "lg-baseline.json", "--no-progress"], { cwd: repo.dir })).code).toBe(0);
    repo.write(".leakguard.yml", "baseline: lg-baseline.json\n");
    expect((await runCli(["scan", "--no-progress"], { cwd: repo.dir })).code).toBe(0);
  });

  it.each([
    ["failOn: severe\n", /^\[leakguard\] bad config \S+\.leakguard\.yml: failOn: /],
    ["testFixtures: test/**\n", /^\[leakguard\] bad config \S+\.leakguard\.yml: testFixtures: /],
    ["failOnn: high\n", /^\[leakguard\] bad config \S+\.leakguard\.yml: \(top level\): .*failOnn/],
    ["failOn: [high\n", /^\[leakguard\] \S+\.leakguard\.yml is not valid YAML: /],
    ["- high\n", /^\[leakguard\] bad config \S+\.leakguard\.yml: \(top level\): /],
  ])("a bad file is one line naming the file and the field, exit 2: %j", async (text, message) => {
    const repo = repoWithTestKey({ ".leakguard.yml": text });
    const r = await runCli(["scan", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("a --config file that does not exist is an error, not the defaults", async () => {
    const repo = repoWithTestKey();
    const r = await runCli(["scan", "--config", "nope.yml", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.yml: ENOENT/);
  });
});
