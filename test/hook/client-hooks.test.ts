import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { chainedName, HOOK_MARKER, installHook } from "../../src/hook/install.js";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";
import { createPushFixture } from "./push-fixture.js";

// A working clone's own hooks: pre-commit stops a key before it is in a commit, pre-push
// before it leaves the machine. Real `git commit` and `git push` run them, as for a developer.

function gitRun(repo: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("git", args, { cwd: repo.dir, env: { ...GIT_TEST_ENV, ...env }, encoding: "utf8" });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

let cli: string;
beforeAll(() => {
  cli = buildCli();
});

describe("pre-commit hook (leakguard hook install --pre-commit)", () => {
  it("stops a commit that stages a key, with the scan's message, and lets a clean one through", async () => {
    const repo = makeRepo();
    await installHook({ repo: repo.dir, kind: "pre-commit", cli });
    const key = fakeKey();
    repo.write("config/pay.js", `const k = "${key}";\n`);
    runGit(repo.dir, ["add", "config/pay.js"]);
    const head = gitRun(repo, ["rev-parse", "-q", "--verify", "HEAD"]);
    const stopped = gitRun(repo, ["commit", "-m", "pay"]);
    expect(stopped.status).not.toBe(0);
    expect(stopped.output).toContain("Stripe live secret key");
    expect(stopped.output).toContain(redacted(key));
    expect(stopped.output).toContain("config/pay.js:1");
    expect(stopped.output).not.toContain(key);
    expect(gitRun(repo, ["rev-parse", "-q", "--verify", "HEAD"])).toEqual(head); // no commit was made

    repo.write("config/pay.js", "const k = process.env.STRIPE_KEY;\n");
    runGit(repo.dir, ["add", "config/pay.js"]);
    expect(gitRun(repo, ["commit", "-m", "pay"]).status).toBe(0);
  });

  it("checks the index of `git commit <path>`, not the one in .git/index", async () => {
    const repo = makeRepo();
    repo.commit("init", { "a.txt": "a\n" });
    await installHook({ repo: repo.dir, kind: "pre-commit", cli });
    repo.write("a.txt", `${fakeKey()}\n`);
    // `git commit a.txt` builds a temporary index with the file's disk content.
    expect(gitRun(repo, ["commit", "-m", "a", "a.txt"]).status).not.toBe(0);
  });

  it("keeps a clone's own pre-commit hook with --chain and runs it after leakguard passes", async () => {
    const repo = makeRepo();
    const mark = join(tempDir(), "ran");
    const theirs = join(repo.dir, ".git", "hooks", "pre-commit");
    writeFileSync(theirs, `#!/bin/sh\necho ran >> '${mark}'\n`, { mode: 0o755 });
    await expect(installHook({ repo: repo.dir, kind: "pre-commit", cli })).rejects.toThrow(/not leakguard's; use --chain/);
    expect(readFileSync(theirs, "utf8")).not.toContain(HOOK_MARKER);

    await installHook({ repo: repo.dir, kind: "pre-commit", cli, chain: true });
    expect(readFileSync(join(repo.dir, ".git", "hooks", chainedName("pre-commit")), "utf8")).toContain(mark);
    repo.write("k.txt", `${fakeKey()}\n`);
    runGit(repo.dir, ["add", "k.txt"]);
    expect(gitRun(repo, ["commit", "-m", "k"]).status).not.toBe(0);
    expect(() => readFileSync(mark)).toThrow(); // their hook did not run for a stopped commit
    runGit(repo.dir, ["rm", "-q", "--cached", "k.txt"]);
    repo.write("ok.txt", "fine\n");
    runGit(repo.dir, ["add", "ok.txt"]);
    expect(gitRun(repo, ["commit", "-m", "ok"]).status).toBe(0);
    expect(readFileSync(mark, "utf8")).toBe("ran\n");
  });

  it("ignores LEAKGUARD_NODE and LEAKGUARD_CLI from the environment", async () => {
    const repo = makeRepo();
    await installHook({ repo: repo.dir, kind: "pre-commit", cli });
    repo.write("k.txt", `${fakeKey()}\n`);
    runGit(repo.dir, ["add", "k.txt"]);
    expect(gitRun(repo, ["commit", "-m", "k"], { LEAKGUARD_NODE: "/bin/true", LEAKGUARD_CLI: "/dev/null" }).status).not.toBe(0);
  });
});

describe("pre-push hook (leakguard hook install --pre-push)", () => {
  it("stops a push of a commit holding a key, scans only what the remote lacks, and passes a clean push", async () => {
    const fx = createPushFixture({ cli, baseUrl: () => null });
    const remote = await fx.makeRemote({ install: false }); // no server hook: the client's is the one tested
    const repo = fx.cloneOf(remote);
    repo.commit("init", { "README.md": "shop\n" });
    await installHook({ repo: repo.dir, kind: "pre-push", cli });
    expect(fx.push(repo, ["origin", "main"]).status).toBe(0);

    const key = fakeKey();
    repo.git("checkout", "-q", "-b", "feature");
    repo.commit("leak", { "pay.txt": `K=${key}\n` });
    const before = remote.refs();
    const stopped = fx.push(repo, ["origin", "feature"]);
    expect(stopped.status).not.toBe(0);
    expect(stopped.output).toContain("failed to push");
    expect(stopped.output).toContain(redacted(key));
    expect(stopped.output).not.toContain(key);
    expect(remote.refs()).toBe(before);

    // The key gets there anyway (the hook skipped); a later clean commit is not blamed for it.
    expect(fx.push(repo, ["--no-verify", "origin", "feature"]).status).toBe(0);
    repo.commit("docs", { "README.md": "shop, with docs\n" });
    expect(fx.push(repo, ["origin", "feature"]).status).toBe(0);
    // A new branch based on what the remote already has sends nothing new.
    repo.git("checkout", "-q", "-b", "feature-2");
    repo.commit("more docs", { "docs.md": "more\n" });
    expect(fx.push(repo, ["origin", "feature-2"]).status).toBe(0);
    // Deleting a branch sends nothing.
    expect(fx.push(repo, ["origin", ":feature-2"]).status).toBe(0);
    // A new key on a new branch is stopped.
    repo.commit("leak 2", { "b.txt": `K=${fakeKey("rk")}\n` });
    expect(fx.push(repo, ["origin", "HEAD:refs/heads/feature-3"]).status).not.toBe(0);
    // So is the same commit pushed as an annotated tag.
    repo.git("tag", "-a", "-m", "release", "v1");
    const tagged = fx.push(repo, ["origin", "v1"]);
    expect(tagged.status).not.toBe(0);
    expect(tagged.output).toContain("stripe-live-restricted-key");
  });
});

describe("the server's hook and the repository's .leakguard.yml", () => {
  it("a pushed .leakguard.yml that raises the threshold and declares every path a fixture does not let a live key in", async () => {
    const fx = createPushFixture({ cli, baseUrl: () => null });
    const remote = await fx.makeRemote();
    const repo = fx.cloneOf(remote);
    repo.commit("lax", {
      ".leakguard.yml": 'failOn: critical\ntestFixtures: ["**"]\n',
      "test/fixtures/keys.txt": `K=${fakeKey("rk")}\n`,
    });
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "HEAD:refs/heads/main"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("stripe-live-restricted-key");
    expect(remote.refs()).toBe(before);
  });
});
