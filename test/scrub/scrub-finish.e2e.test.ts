import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { runCli } from "../helpers/cli.js";
import { fakeKey } from "../helpers/keys.js";
import { GIT_TEST_ENV, runGit, tempDir } from "../helpers/repo.js";
import { allObjects, freshClone, makeLeakyRepo, refsOf } from "./leaky-repo.js";

const hits = (dir: string, key: string) => allObjects(dir).toString("latin1").split(key).length - 1;
const mode = (path: string) => statSync(path).mode & 0o777;

/**
 * A `git` first on PATH that, for one subcommand, either fails or kills the leakguard
 * process that ran it (its parent): a crash at exactly that step, with no hook in leakguard.
 */
function trappedGit(subcommand: string, action: "fail" | "kill"): NodeJS.ProcessEnv {
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const dir = tempDir("leakguard-trap-");
  const trap = action === "kill" ? "kill -9 $PPID; sleep 5" : "echo 'fatal: disk full' >&2";
  writeFileSync(join(dir, "git"), `#!/bin/sh\ncase " $* " in *" ${subcommand} "*) ${trap}; exit 1;; esac\nexec "${real}" "$@"\n`);
  chmodSync(join(dir, "git"), 0o755);
  return { ...GIT_TEST_ENV, PATH: `${dir}:${process.env["PATH"]}` };
}

/** The CLI as its own process, under umask 022 (what most shells have). */
function scrubProcess(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync("sh", ["-c", 'umask 022; exec "$0" "$@"', process.execPath, buildCli(), "scrub", ...args], { env, encoding: "utf8" });
}

describe("scrub finishes what it starts", () => {
  for (const step of ["reflog", "repack"]) {
    it(`a run killed at ${step} (refs already moved) is finished by the next run, which prints the report and the next steps`, async () => {
      const leak = makeLeakyRepo();
      const work = freshClone(leak.origin.dir);
      const before = refsOf(work);
      const killed = scrubProcess(trappedGit(step, "kill"), work, "--yes");
      expect(killed.signal).toBe("SIGKILL");
      expect(refsOf(work)).not.toBe(before); // the refs moved...
      expect(hits(work, leak.keys.long)).toBeGreaterThan(0); // ...but the keys are still in the store

      const again = await runCli(["scrub", work, "--yes"], { env: GIT_TEST_ENV });
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^Finished the interrupted scrub of /);
      expect(again.stdout).not.toMatch(/Nothing to remove/);
      expect(again.stdout).toContain("git push --force origin +refs/heads/main:refs/heads/main");
      expect(again.stdout).toMatch(/Next steps:[\s\S]*Rotate every removed key/);
      expect(hits(work, leak.keys.long)).toBe(0);
      expect(hits(work, leak.keys.live)).toBe(1); // only the reported binary
      expect(again.stdout).toMatch(/still finds 1 finding:\n {2}stripe-live-secret-key sk_live_…\w{4} assets\/logo\.bin/);
      expect(existsSync(join(work, ".git/leakguard-scrub/unfinished.json"))).toBe(false);
      // A third run has nothing left to do.
      expect((await runCli(["scrub", work, "--dry-run"], { env: GIT_TEST_ENV })).stdout).not.toMatch(/interrupted|did not finish/);
    });
  }

  it("without its state file, a re-run still finds the keys a killed gc left in unreachable objects and prunes them", async () => {
    const leak = makeLeakyRepo();
    const work = freshClone(leak.origin.dir);
    expect(scrubProcess(trappedGit("repack", "kill"), work, "--yes").signal).toBe("SIGKILL");
    rmSync(join(work, ".git/leakguard-scrub/unfinished.json"));
    expect(hits(work, leak.keys.long)).toBeGreaterThan(0);
    const preview = await runCli(["scrub", work, "--dry-run"], { env: GIT_TEST_ENV });
    expect(preview.stdout).toMatch(/\d+ objects outside every ref's history still hold keys .*--yes expires the reflogs and prunes them/);
    const again = await runCli(["scrub", work, "--yes", "--force"], { env: GIT_TEST_ENV });
    expect([again.code, again.stderr]).toEqual([0, ""]);
    expect(again.stdout).toMatch(/^Finished cleaning .*: no ref had to change, but \d+ objects outside every ref's history held keys/);
    expect(hits(work, leak.keys.long)).toBe(0);
  });

  it("a step that fails after the refs moved still prints the report and the push, says it is unfinished, and a re-run completes it", async () => {
    const leak = makeLeakyRepo();
    const work = freshClone(leak.origin.dir);
    const failed = await runCli(["scrub", work, "--yes"], { env: trappedGit("repack", "fail") });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^\[leakguard\] scrub did not finish: .*disk full.*\n$/);
    expect(failed.stdout).toContain("git push --force origin +refs/heads/main:refs/heads/main");
    expect(failed.stdout).toMatch(/NOT FINISHED: .* To finish, run: leakguard scrub --yes /);
    expect(failed.stdout).not.toContain("clean.");
    const preview = await runCli(["scrub", work], { env: GIT_TEST_ENV });
    expect(preview.stdout).toMatch(/moved its refs but did not finish/);
    const again = await runCli(["scrub", work, "--yes"], { env: GIT_TEST_ENV });
    expect(again.code).toBe(0);
    expect(hits(work, leak.keys.long)).toBe(0);
  });
});

describe("scrub's files that hold key material", () => {
  it("creates the backup 0600 and its records 0700/0600 under umask 022, and names backups left by earlier runs", () => {
    const leak = makeLeakyRepo();
    const work = freshClone(leak.origin.dir);
    const stale = join(dirname(work), "shop.leakguard-backup-20200101T000000Z.bundle");
    writeFileSync(stale, "left by a run that was killed\n");
    const r = scrubProcess(GIT_TEST_ENV, work, "--yes");
    expect(r.status).toBe(0);
    const bundle = /Old history saved to (.*\.bundle) /.exec(r.stdout)![1]!;
    expect(mode(bundle)).toBe(0o600);
    expect(runGit(work, ["bundle", "verify", "-q", bundle])).toBeDefined(); // a complete, usable bundle
    const records = join(work, ".git/leakguard-scrub");
    expect(mode(records)).toBe(0o700);
    for (const f of readdirSync(records)) expect([f, mode(join(records, f))]).toEqual([f, 0o600]);
    expect(readdirSync(records).filter((f) => f.startsWith("tmp-"))).toEqual([]);
    expect(r.stdout).toContain(`Backups of earlier runs beside the repository (each still holds the keys`);
    expect(r.stdout).toContain(stale);
  });
});

describe("scrub --force in a clone with local state", () => {
  it("keeps every stash (rewritten, without the key) and moves a linked worktree's index, saying so", async () => {
    const leak = makeLeakyRepo();
    const work = freshClone(leak.origin.dir);
    const stashKey = fakeKey();
    writeFileSync(join(work, "README.md"), `first stash ${stashKey}\n`);
    runGit(work, ["stash", "push", "-q", "-m", "first"]);
    writeFileSync(join(work, "README.md"), "second stash, no key\n");
    runGit(work, ["stash", "push", "-q", "-m", "second"]);
    const linked = join(tempDir(), "linked");
    runGit(work, ["worktree", "add", "-q", "-b", "side", linked, "main"]);
    expect(runGit(linked, ["ls-files", "-s", "config/.env.local"])).not.toBe("");

    // The preview already reads the older stash entry (no ref names it).
    const preview = await runCli(["scrub", work, "--dry-run"], { env: GIT_TEST_ENV });
    expect(preview.stdout).toContain(`sk_live_…${stashKey.slice(-4)}`);
    expect(preview.stdout).toContain("2 stash entries would be rewritten and kept (with --force)");
    expect(preview.stdout).not.toContain(runGit(work, ["rev-parse", "stash@{1}"]).trim()); // an entry's id is not listed as a ref

    const r = await runCli(["scrub", work, "--yes", "--force"], { env: GIT_TEST_ENV });
    expect(r.code).toBe(0);
    expect(runGit(work, ["stash", "list", "--format=%gs"])).toBe("On main: second\nOn main: first\n");
    expect(runGit(work, ["stash", "show", "-p", "stash@{1}"])).toContain("first stash ***REMOVED***");
    expect(r.stdout).toContain("2 stash entries were rewritten and kept");
    expect(runGit(linked, ["ls-files", "-s", "config/.env.local"])).toBe(""); // the index no longer names the removed blob
    expect(r.stdout).toContain(`Linked worktree ${linked}: only its index was moved`);
    expect(hits(work, leak.keys.long)).toBe(0);
    expect(hits(work, stashKey)).toBe(0);
  });

  it("names a linked worktree whose detached HEAD keeps the old history, and does not call the result clean", async () => {
    const leak = makeLeakyRepo();
    const work = freshClone(leak.origin.dir);
    const detached = join(tempDir(), "old-build");
    runGit(work, ["worktree", "add", "-q", "--detach", detached, "main"]);
    const r = await runCli(["scrub", work, "--yes", "--force"], { env: GIT_TEST_ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Linked worktree ${detached} has a detached HEAD at an old commit`);
    expect(r.stdout).not.toContain("clean.");
    expect(r.stdout).toMatch(/still finds \d+ findings:[\s\S]*rk_live_…\w{4}/);
    expect(r.stdout).not.toContain(leak.keys.long);
  });
});
