import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "./repo.js";
import { synthesizeHistory } from "./synthetic-history.js";

const refs = (dir: string): string => runGit(dir, ["for-each-ref", "--format=%(objectname) %(refname)"]);

describe("the synthetic-history generator", () => {
  it("plants 18 findings in a planned history, and a history scan reports exactly those", async () => {
    const dir = `${tempDir()}/repo.git`;
    const history = await synthesizeHistory(dir, { preset: "bench", commits: 300, mb: 5, env: GIT_TEST_ENV });
    expect(history.expected).toHaveLength(18);
    const engine = createNativeEngine(dir, GIT_TEST_ENV);
    const { findings } = await scanHistory({ engine, selection: { all: true } });
    await engine.close();
    const id = (f: { commit: string | null; path: string; rule: string; fingerprint: string }) => `${f.commit} ${f.path} ${f.rule} ${f.fingerprint}`;
    expect(new Set(findings.map(id))).toEqual(new Set(history.expected.map(id)));
  });

  it("gives the same repository for the same seed and sizes, and another for another seed", async () => {
    // Fewer than 500 commits: the engines preset plants no key, so nothing comes from outside the seed.
    const build = async (seed: number) => {
      const dir = `${tempDir()}/repo`;
      await synthesizeHistory(dir, { preset: "engines", commits: 150, files: 30, seed, env: GIT_TEST_ENV });
      return refs(dir);
    };
    const first = await build(7);
    expect(first).toMatch(/ refs\/heads\/side\n/);
    expect(await build(7)).toBe(first);
    expect(await build(8)).not.toBe(first);
  });

  it("extends an existing repository for the hook preset: N commits on a new branch from main", async () => {
    const repo = makeRepo();
    const main = repo.commit("init");
    await synthesizeHistory(repo.dir, { preset: "hook", commits: 25, env: GIT_TEST_ENV });
    expect(runGit(repo.dir, ["rev-list", "--count", "main..big"]).trim()).toBe("25");
    expect(runGit(repo.dir, ["merge-base", "main", "big"]).trim()).toBe(main);
  });

  it("fails with git's reason when fast-import dies, never returning a half-written history as built", async () => {
    const repo = makeRepo(); // no refs/heads/main for the hook preset to start from
    await expect(synthesizeHistory(repo.dir, { preset: "hook", commits: 5000, env: GIT_TEST_ENV })).rejects.toThrow(/git fast-import exited with \d+: .*refs\/heads\/main/);
    expect(runGit(repo.dir, ["for-each-ref"])).toBe("");
  });

  it("refuses sizes it cannot build and a non-empty directory, writing nothing", async () => {
    const dir = tempDir();
    await expect(synthesizeHistory(`${dir}/a`, { preset: "bench", commits: 50 })).rejects.toThrow("--commits must be >= 100");
    await expect(synthesizeHistory(`${dir}/b`, { preset: "scrub", files: 0 })).rejects.toThrow("--files must be a positive integer");
    expect(existsSync(`${dir}/a`) || existsSync(`${dir}/b`)).toBe(false);
    const used = makeRepo();
    used.commit("init", { "README.md": "hi\n" });
    await expect(synthesizeHistory(used.dir, { preset: "scrub" })).rejects.toThrow("is not empty");
    expect(runGit(used.dir, ["rev-list", "--count", "--all"]).trim()).toBe("1");
  });
});
