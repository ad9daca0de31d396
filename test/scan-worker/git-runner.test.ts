import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError } from "../../src/errors.js";
import { git, gitHere, runGitElsewhere } from "../../src/git/run-git.js";
import { runMainThreadGitOffThread } from "../../src/scan-worker/git-runner.js";
import { makeRepo } from "../helpers/repo.js";

// The app's main thread answers webhooks, so its git processes start from a thread of their
// own (starting a process holds the thread that starts it). Whatever git() did here it does
// there: the same bytes, the same failures, the caller's environment, a way to stop it.

const VAR = "LEAKGUARD_RUNNER_TEST_VAR";

describe("git started from the runner thread", () => {
  let dir: string;
  beforeAll(() => {
    process.env[VAR] = "present";
    runMainThreadGitOffThread({ nice: 10 });
    dir = makeRepo().dir;
  });
  afterAll(() => {
    runGitElsewhere(null);
    delete process.env[VAR];
  });

  it("runs below the caller's priority: the processes git starts report nice 10, and 0 when run here", async () => {
    const args = ["-c", "alias.niceness=!nice", "niceness"];
    expect((await git(args, { cwd: dir })).toString().trim()).toBe("10");
    expect((await gitHere(args, { cwd: dir })).toString().trim()).toBe("0");
  });

  it("gives back stdout byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const oid = (await git(["hash-object", "-w", "--stdin"], { cwd: dir, input: bytes })).toString().trim();
    expect((await git(["cat-file", "blob", oid], { cwd: dir })).equals(bytes)).toBe(true);
  });

  it("hands git the caller's environment as it is at the call: a variable removed since the thread started never reaches git", async () => {
    const echo = ["-c", `alias.showvar=!echo "\${${VAR}:-unset}"`, "showvar"];
    expect((await git(echo, { cwd: dir })).toString().trim()).toBe("present");
    // The app strips its secrets from process.env after start-up; a thread keeps the copy it was started with.
    delete process.env[VAR];
    expect((await git(echo, { cwd: dir })).toString().trim()).toBe("unset");
  });

  it("fails as git failed: a GitError with git's exit code and stderr", async () => {
    const err = await git(["rev-parse", "--verify", "--end-of-options", "no-such-ref"], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).exitCode).toBe(128);
    expect((err as GitError).message).toMatch(/^git rev-parse failed: /);
    expect((err as GitError).stderr).toContain("Needed a single revision");
  });

  it("stops git when the caller's signal is aborted", async () => {
    const ctl = new AbortController();
    const started = Date.now();
    const run = git(["-c", "alias.wait=!sleep 30", "wait"], { cwd: dir, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 200);
    await expect(run).rejects.toBeInstanceOf(GitError);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
