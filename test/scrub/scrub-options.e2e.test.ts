import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { runScrub } from "../../src/scrub/run.js";
import type { ScrubRequest } from "../../src/scrub/run.js";
import { withIgnored } from "../../src/scrub/gitignore-tips.js";
import { writeBackupBundle } from "../../src/scrub/apply-rewrite.js";
import { inspectRepo } from "../../src/scrub/inspect-repo.js";
import { GIT_TEST_ENV, runGit, tempDir } from "../helpers/repo.js";
import { allObjects, freshClone, makeLeakyRepo, refsOf } from "./leaky-repo.js";

const request = (repoPath: string, more: Partial<ScrubRequest> = {}): ScrubRequest => ({
  repoPath, env: GIT_TEST_ENV, dryRun: false, yes: true, force: false,
  includeTestKeys: false, deletePaths: [], deleteBinaryWithKeys: false, gitignore: false, ...more,
});

describe("leakguard scrub options", () => {
  it("scrubs a bare mirror: test keys, binaries with keys and extra globs too, and .gitignore in the tips", async () => {
    const leak = makeLeakyRepo();
    // What a mirror of a GitHub repository has: pull-request refs, which only GitHub can remove.
    runGit(leak.origin.dir, ["update-ref", "refs/pull/1/head", "feature"]);
    const mirror = freshClone(leak.origin.dir, { bare: true });
    const r = await runScrub(request(mirror, { includeTestKeys: true, deleteBinaryWithKeys: true, deletePaths: ["data/**"], gitignore: true }));
    expect(r.outcome).toBe("rewritten");
    expect(r.repo.bare).toBe(true);
    expect(r.pullRefs).toBe(1);
    expect(r.remaining).toEqual([]);
    const objects = allObjects(mirror).toString("latin1");
    for (const k of [leak.keys.live, leak.keys.long, leak.keys.test]) expect(objects).not.toContain(k);
    const paths = runGit(mirror, ["log", "--all", "--name-only", "--format="]).split("\n");
    expect(paths).not.toContain("assets/logo.bin");
    expect(paths).not.toContain("data/dump.sql");
    for (const branch of ["main", "feature"]) {
      expect(runGit(mirror, ["show", `${branch}:.gitignore`])).toContain("/.env\n");
    }
    expect(runGit(mirror, ["show", "main:.gitignore"])).toMatch(/\/web\/\.env\.production\n/);
    // The amended tip keeps its author, date and message.
    const old = runGit(leak.origin.dir, ["log", "-1", "--format=%an %ad %s", "main"]);
    expect(runGit(mirror, ["log", "-1", "--format=%an %ad %s", "main"])).toBe(old);
    expect(r.commitMap.get(runGit(leak.origin.dir, ["rev-parse", "main"]).trim())).toBe(runGit(mirror, ["rev-parse", "main"]).trim());
  });

  it("leaves every ref as it was when the rewrite is interrupted midway", async () => {
    const leak = makeLeakyRepo();
    const work = freshClone(leak.origin.dir);
    const refs = refsOf(work);
    const scratchDir = tempDir();
    const interrupted = runScrub(request(work, {
      env: { ...GIT_TEST_ENV, TMPDIR: scratchDir },
      onProgress: (phase, done) => {
        if (phase === "rewrite" && done === 3) throw new Error("interrupted");
      },
    }));
    await expect(interrupted).rejects.toThrow("interrupted");
    expect(refsOf(work)).toBe(refs);
    runGit(work, ["fsck", "--no-progress"]);
    expect(readdirSync(scratchDir)).toEqual([]); // nothing in TMPDIR either
    expect(existsSync(`${work}/.git/leakguard-scrub`)).toBe(false); // fast-import's scratch git dir is gone
    expect(readdirSync(dirname(work)).filter((f) => f.includes("leakguard-backup"))).toEqual([]); // and so is the bundle
    // ...and a second run then completes.
    expect((await runScrub(request(work, { force: true }))).outcome).toBe("rewritten");
  });

  it("writes a second backup bundle in the same second beside the first, never over it", async () => {
    const work = freshClone(makeLeakyRepo().origin.dir);
    const repo = await inspectRepo(work, GIT_TEST_ENV);
    const now = new Date();
    const first = await writeBackupBundle(repo, now);
    const second = await writeBackupBundle(repo, now);
    expect(second).not.toBe(first);
    expect(second.replace(/-2\.bundle$/, ".bundle")).toBe(first);
    for (const b of [first, second]) runGit(work, ["bundle", "verify", "-q", b]);
  });

  it("adds only the missing paths to an existing .gitignore", () => {
    expect(withIgnored("node_modules\n/.env\n", [".env", "web/.env.local"])).toBe(
      "node_modules\n/.env\n# Removed from history by leakguard scrub: keep these out of git\n/web/.env.local\n",
    );
    expect(withIgnored(".env", [".env"])).toBeNull();
  });
});
