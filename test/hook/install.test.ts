import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { CHAINED_NAME, HOOK_MARKER, installHook, PACKAGE_SHIM } from "../../src/hook/install.js";
import { run } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";
import { PACKAGE_ROOT } from "../helpers/build-cli.js";
import { makeRepo, tempDir } from "../helpers/repo.js";

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

function io(): CliIo & { err: () => string } {
  const stderr = new PassThrough();
  let err = "";
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  return { stdout: new PassThrough(), stderr, stdin: new PassThrough(), env: {}, cwd: tempDir(), exitCode: 0, err: () => err };
}

describe("installHook", () => {
  it("installs an executable hook that execs the package shim, and installing again is harmless", async () => {
    const bare = makeRepo({ bare: true });
    const first = await installHook({ repo: bare.dir });
    expect(first).toEqual({ hookPath: join(bare.dir, "hooks", "pre-receive"), action: "installed", previous: null });
    const text = readFileSync(first.hookPath, "utf8");
    expect(text).toContain(HOOK_MARKER);
    expect(text).toContain(`exec '${PACKAGE_SHIM}' "$@"`);
    expect(statSync(first.hookPath).mode & 0o111).toBe(0o111);
    expect((await installHook({ repo: bare.dir })).action).toBe("reinstalled");
  });

  it("refuses to overwrite someone else's hook unless asked, and keeps it when replacing", async () => {
    const bare = makeRepo({ bare: true });
    const theirs = script(join(bare.dir, "hooks", "pre-receive"), "exit 0 # site policy");
    await expect(installHook({ repo: bare.dir })).rejects.toThrow(UsageError);
    await expect(installHook({ repo: bare.dir })).rejects.toThrow(/--chain .* or --force/);
    expect(readFileSync(theirs, "utf8")).toContain("site policy");
    const r = await installHook({ repo: bare.dir, force: true });
    expect(r).toMatchObject({ action: "replaced", previous: `${theirs}.replaced-by-leakguard` });
    expect(readFileSync(r.previous!, "utf8")).toContain("site policy");
    expect(readFileSync(theirs, "utf8")).toContain(HOOK_MARKER);
  });

  it("chains: leakguard runs first, the old hook gets the same stdin only if leakguard accepts", async () => {
    const bare = makeRepo({ bare: true });
    const dir = tempDir();
    script(join(bare.dir, "hooks", "pre-receive"), `cat > '${dir}/old.stdin'; exit 3`);
    // Stand-in for the package shim, so this test is about the wrapper's plumbing.
    const shim = script(join(dir, "shim"), `cat > '${dir}/lg.stdin'; exit "\${LG_EXIT:-0}"`);
    const r = await installHook({ repo: bare.dir, chain: true, shim });
    expect(r).toMatchObject({ action: "chained", previous: join(bare.dir, "hooks", CHAINED_NAME) });
    const input = `${"a".repeat(40)} ${"b".repeat(40)} refs/heads/main\n`;

    const accepted = spawnSync(r.hookPath, [], { input, cwd: bare.dir });
    expect(accepted.status).toBe(3); // the old hook's verdict stands
    expect(readFileSync(join(dir, "lg.stdin"), "utf8")).toBe(input);
    expect(readFileSync(join(dir, "old.stdin"), "utf8")).toBe(input);

    execFileSync("rm", [join(dir, "old.stdin")]);
    const rejected = spawnSync(r.hookPath, [], { input, cwd: bare.dir, env: { ...process.env, LG_EXIT: "1" } });
    expect(rejected.status).toBe(1);
    expect(existsSync(join(dir, "old.stdin"))).toBe(false);

    // Reinstalling keeps the chain.
    expect(readFileSync((await installHook({ repo: bare.dir, shim })).hookPath, "utf8")).toContain(CHAINED_NAME);
  });

  it("installs beside Gitea's own hook in pre-receive.d", async () => {
    const bare = makeRepo({ bare: true });
    script(join(bare.dir, "hooks", "pre-receive"), "# gitea delegating hook");
    const r = await installHook({ repo: bare.dir, gitea: true });
    expect(r.hookPath).toBe(join(bare.dir, "hooks", "pre-receive.d", "leakguard"));
    expect(readFileSync(join(bare.dir, "hooks", "pre-receive"), "utf8")).toContain("gitea");
  });

  it("says so when the path is not a repository", async () => {
    await expect(installHook({ repo: join(tempDir(), "nope.git") })).rejects.toThrow(/no such repository/);
    await expect(installHook({ repo: tempDir() })).rejects.toThrow(/not a git repository/);
  });
});

describe("hooks/pre-receive (the package shim)", () => {
  it("finds the package's compiled CLI from its own location, through a symlink", () => {
    const link = join(tempDir(), "pre-receive");
    symlinkSync(join(PACKAGE_ROOT, "hooks", "pre-receive"), link);
    const out = execFileSync(link, ["x"], { env: { ...process.env, LEAKGUARD_NODE: "echo" }, encoding: "utf8" });
    expect(out.trim()).toBe(`${join(PACKAGE_ROOT, "dist", "cli", "main.js")} pre-receive x`);
  });
});

describe("leakguard hook install", () => {
  it("installs and tells how to do it on GitLab and Gitea", async () => {
    const bare = makeRepo({ bare: true });
    const cli = io();
    expect(await run(["hook", "install", "--repo", bare.dir], cli)).toBe(0);
    expect(cli.err()).toContain(`pre-receive hook installed: ${join(bare.dir, "hooks", "pre-receive")}`);
    expect(cli.err()).toContain("custom_hooks");
    expect(cli.err()).toContain("--gitea");
  });

  it("exits 2 with one line when a foreign hook is in the way", async () => {
    const bare = makeRepo({ bare: true });
    script(join(bare.dir, "hooks", "pre-receive"), "exit 0");
    const cli = io();
    expect(await run(["hook", "install", "--repo", bare.dir], cli)).toBe(2);
    expect(cli.err().trim().split("\n")).toHaveLength(1);
    expect(cli.err()).toMatch(/^\[leakguard\] .*already exists and is not leakguard's/);
  });
});
