import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { makeRepo } from "../helpers/repo.js";
import { runCli } from "../helpers/cli.js";

// `scan --range A..B` reports what the range adds (issue 11): a key the commits it builds
// on already held is left out, and the count of what was left out is said.

type Report = { findings: Array<{ path: string; redacted: string | null; commit: string }> };

describe("scan --range reports what the range adds", () => {
  it("a range that does not touch an old key reports nothing, even through a merge that brings the key's file in", async () => {
    const old = fakeKey();
    const repo = makeRepo();
    const base = repo.commit("init", { "README.md": "shop\n" });
    const a = repo.commit("wire stripe", { "config.js": `k = "${old}"\n` });
    repo.git("checkout", "-q", "-b", "side", base);
    repo.commit("docs", { "docs.md": "how to\n" });
    // The merge's first parent is the side branch: against it, config.js is new.
    repo.git("merge", "-q", "--no-ff", "-m", "merge main into side", "main");
    const r = await runCli(["scan", repo.dir, "--range", `${a}..side`, "--format", "json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).findings).toEqual([]);
    expect(r.stderr).toMatch(/^\[leakguard\] left out 1 finding\(s\) of 1 key\(s\) or file\(s\) already present before the range/);
    expect(r.stderr).toContain(a.slice(0, 10));
    expect(r.stderr + r.stdout).not.toContain(old);
  });

  it("a new key in the range is still reported, next to an old one that is left out", async () => {
    const old = fakeKey();
    const fresh = fakeKey();
    const repo = makeRepo();
    const a = repo.commit("wire stripe", { "config.js": `k = "${old}"\n` });
    repo.commit("edit", { "config.js": `k = "${old}"\nother = "${fresh}"\n` });
    const r = await runCli(["scan", repo.dir, "--range", `${a}..HEAD`, "--format", "json"]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => f.redacted)).toEqual([redacted(fresh)]);
    expect(r.stderr).toContain("left out 1 finding(s)");
  });

  it("a key added in the range and edited again in it is the range's own", async () => {
    const fresh = fakeKey();
    const repo = makeRepo();
    const a = repo.commit("init", { "README.md": "x\n" });
    repo.commit("leak", { "a.js": `k = "${fresh}"\n` });
    repo.commit("edit", { "a.js": `k = "${fresh}"\nn = 2\n` });
    const r = await runCli(["scan", repo.dir, "--range", `${a}..HEAD`, "--format", "json"]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => f.redacted)).toEqual([redacted(fresh), redacted(fresh)]);
    expect(r.stderr).not.toContain("left out");
  });
});
