import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCli, PACKAGE_ROOT } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, tempDir } from "../helpers/repo.js";

// The pre-commit framework (Debian's `pre-commit` package, installed by .ci/run) using
// this repository's .pre-commit-hooks.yaml as a hook source, as a team would: a hook
// repository at a commit, `pre-commit install`, then a plain `git commit`.

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe("pre-commit framework with leakguard's .pre-commit-hooks.yaml", () => {
  it("stops a commit that stages a key and lets a clean one through", () => {
    // `leakguard` on the PATH, as the hook's documented requirement says.
    const bin = join(tempDir(), "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "leakguard"), `#!/bin/sh\nexec '${process.execPath}' '${buildCli()}' "$@"\n`, { mode: 0o755 });
    const env = { ...GIT_TEST_ENV, PATH: `${bin}:${process.env["PATH"]}`, PRE_COMMIT_HOME: tempDir("leakguard-pre-commit-home-"), HOME: tempDir() };

    // The hook source: a repository holding the file exactly as this checkout has it.
    const source = makeRepo();
    copyFileSync(join(PACKAGE_ROOT, ".pre-commit-hooks.yaml"), join(source.dir, ".pre-commit-hooks.yaml"));
    const rev = source.commit("hooks");

    const repo = makeRepo();
    repo.write(".pre-commit-config.yaml", `repos:\n  - repo: ${source.dir}\n    rev: ${rev}\n    hooks:\n      - id: leakguard\n`);
    repo.commit("use pre-commit");
    const install = run("pre-commit", ["install"], repo.dir, env);
    expect(install.output).toContain("pre-commit installed");
    expect(install.status).toBe(0);

    const key = fakeKey();
    repo.write("config/pay.js", `const k = "${key}";\n`);
    expect(run("git", ["add", "config/pay.js"], repo.dir, env).status).toBe(0);
    const head = repo.head();
    const stopped = run("git", ["commit", "-m", "pay"], repo.dir, env);
    expect(stopped.status).not.toBe(0);
    expect(stopped.output).toMatch(/leakguard \(Stripe keys and \.env files in the commit\)\.+Failed/);
    expect(stopped.output).toContain(redacted(key));
    expect(stopped.output).not.toContain(key);
    expect(repo.head()).toBe(head);

    repo.write("config/pay.js", "const k = process.env.STRIPE_KEY;\n");
    run("git", ["add", "config/pay.js"], repo.dir, env);
    const passed = run("git", ["commit", "-m", "pay"], repo.dir, env);
    expect(passed.output).toMatch(/leakguard \(Stripe keys and \.env files in the commit\)\.+Passed/);
    expect(passed.status).toBe(0);
    expect(repo.head()).not.toBe(head);
  }, 120_000);
});
