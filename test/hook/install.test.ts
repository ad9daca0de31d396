import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { CHAINED_NAME, HOOK_MARKER, installHook } from "../../src/hook/install.js";
import { run } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";
import { buildCli, PACKAGE_ROOT } from "../helpers/build-cli.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";
import { createPushFixture } from "./push-fixture.js";

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
  it("installs an executable hook that execs node and the CLI by the absolute paths found at install, and installing again is harmless", async () => {
    const bare = makeRepo({ bare: true });
    const cli = realpathSync(buildCli());
    const first = await installHook({ repo: bare.dir, cli });
    expect(first).toEqual({ hookPath: join(bare.dir, "hooks", "pre-receive"), action: "installed", previous: null });
    const text = readFileSync(first.hookPath, "utf8");
    expect(text).toContain(HOOK_MARKER);
    expect(text).toContain(`exec '${realpathSync(process.execPath)}' '${cli}' pre-receive\n`);
    expect(text).toContain("unset LEAKGUARD_NODE LEAKGUARD_CLI LEAKGUARD_HOOK_CONFIG");
    expect(statSync(first.hookPath).mode & 0o111).toBe(0o111);
    expect((await installHook({ repo: bare.dir, cli })).action).toBe("reinstalled");
  });

  it("refuses a CLI path that does not exist, rather than install a hook that cannot run", async () => {
    const bare = makeRepo({ bare: true });
    await expect(installHook({ repo: bare.dir, cli: join(tempDir(), "main.js") })).rejects.toThrow(/CLI not found/);
    expect(existsSync(join(bare.dir, "hooks", "pre-receive"))).toBe(false);
  });

  it("refuses to overwrite someone else's hook unless asked, and keeps it when replacing", async () => {
    const bare = makeRepo({ bare: true });
    const theirs = script(join(bare.dir, "hooks", "pre-receive"), "exit 0 # site policy");
    await expect(installHook({ repo: bare.dir, cli: buildCli() })).rejects.toThrow(UsageError);
    await expect(installHook({ repo: bare.dir })).rejects.toThrow(/--chain .* or --force/);
    expect(readFileSync(theirs, "utf8")).toContain("site policy");
    const r = await installHook({ repo: bare.dir, force: true, cli: buildCli() });
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
    const r = await installHook({ repo: bare.dir, gitea: true, cli: buildCli() });
    expect(r.hookPath).toBe(join(bare.dir, "hooks", "pre-receive.d", "leakguard"));
    expect(readFileSync(join(bare.dir, "hooks", "pre-receive"), "utf8")).toContain("gitea");
  });

  it("says so when the path is not a repository", async () => {
    await expect(installHook({ repo: join(tempDir(), "nope.git") })).rejects.toThrow(/no such repository/);
    await expect(installHook({ repo: tempDir() })).rejects.toThrow(/not a git repository/);
  });
});

describe("hooks/pre-receive (the package shim)", () => {
  it("finds the package's compiled CLI from its own location, through a symlink, with the PATH's node and not the environment's choice", () => {
    const dir = tempDir();
    const link = join(dir, "pre-receive");
    symlinkSync(join(PACKAGE_ROOT, "hooks", "pre-receive"), link);
    // A `node` on the PATH that shows what it was asked to run.
    const bin = join(dir, "bin");
    execFileSync("mkdir", [bin]);
    script(join(bin, "node"), 'echo "$@"');
    const env = { ...process.env, PATH: `${bin}:${process.env["PATH"]}`, LEAKGUARD_NODE: "/bin/true", LEAKGUARD_CLI: "/dev/null" };
    const out = execFileSync(link, ["x"], { env, encoding: "utf8" });
    expect(out.trim()).toBe(`${join(PACKAGE_ROOT, "dist", "cli", "main.js")} pre-receive x`);
  });
});

describe("the installed hook and the pusher's environment", () => {
  // file:// pushes run receive-pack, and so the hook, with the pusher's environment:
  // exactly the reach an attacker has through sshd AcceptEnv or a local push.
  it("still scans and rejects when the pusher sets LEAKGUARD_NODE, LEAKGUARD_CLI and LEAKGUARD_HOOK_CONFIG", async () => {
    const fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
    const remote = await fx.makeRemote();
    const repo = fx.cloneOf(remote);
    // A lax config the pusher would like the hook to read instead of the operator's.
    const lax = join(tempDir(), "lax.yml");
    writeFileSync(lax, "failMode: open\nblockSeverity: critical\nblockDotenvFiles: false\ntimeBudgetMs: 600000\n");
    const key = fakeKey("rk"); // high: would pass under the lax blockSeverity
    repo.commit("leak", { "config/pay.txt": `STRIPE_KEY=${key}\n` });
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "HEAD:refs/heads/feature"], { LEAKGUARD_NODE: "/bin/true", LEAKGUARD_CLI: "/dev/null", LEAKGUARD_HOOK_CONFIG: lax });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("pre-receive hook declined");
    expect(r.output).toContain("stripe-live-restricted-key");
    expect(r.output).not.toContain(key);
    expect(remote.refs()).toBe(before);
  });

  it("reads a server-wide config fixed at install with --config", async () => {
    const fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
    const remote = await fx.makeRemote({ install: false });
    const cfg = join(tempDir(), "server.yml");
    writeFileSync(cfg, "blockSeverity: critical\ntimeBudgetMs: 600000\n");
    await installHook({ repo: remote.dir, cli: buildCli(), config: cfg });
    const repo = fx.cloneOf(remote);
    repo.commit("restricted", { "a.txt": `K=${fakeKey("rk")}\n` });
    expect(fx.push(repo, ["origin", "HEAD:refs/heads/a"]).status).toBe(0); // high < critical: a warning
    repo.commit("secret", { "b.txt": `K=${fakeKey()}\n` });
    expect(fx.push(repo, ["origin", "HEAD:refs/heads/a"]).status).not.toBe(0);
  });
});

describe("the GitLab recipe hook install prints", () => {
  it("writes, when its lines are run as printed, a hook that runs leakguard by absolute path and rejects a leaking push", async () => {
    const { installNotes } = await import("../../src/hook/install-notes.js");
    // A path that needs quoting: a link, with a quote and a space in its name, to the built CLI's folder.
    const oddDir = join(tempDir("leakguard dir 'quoted' "), "cli");
    symlinkSync(dirname(buildCli()), oddDir);
    const odd = join(oddDir, "main.js");
    const dest = join(tempDir(), "pre-receive.d");
    const lines = installNotes(process.execPath, buildCli()).filter((l) => /^\s+(mkdir|printf|chmod) /.test(l));
    expect(lines).toHaveLength(3);
    const sh = lines.map((l) => l.trim().replaceAll("/var/opt/gitlab/gitaly/custom_hooks/pre-receive.d", dest)).join("\n");
    execFileSync("sh", ["-c", sh]);
    const hookFile = join(dest, "leakguard");
    expect(readFileSync(hookFile, "utf8")).toBe(`#!/bin/sh\nexec ${process.execPath} ${buildCli()} pre-receive "$@"\n`);

    const quoted = installNotes(process.execPath, odd).find((l) => l.trim().startsWith("printf"))!;
    execFileSync("sh", ["-c", quoted.trim().replace("/var/opt/gitlab/gitaly/custom_hooks/pre-receive.d/leakguard", hookFile)]);
    const fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
    const remote = await fx.makeRemote({ install: false });
    execFileSync("cp", [hookFile, join(remote.dir, "hooks", "pre-receive")]);
    const repo = fx.cloneOf(remote);
    repo.commit("leak", { "k.txt": `${fakeKey()}\n` });
    const r = fx.push(repo, ["origin", "HEAD:refs/heads/main"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("stripe-live-secret-key");
  });
});

describe("leakguard hook install", () => {
  it("installs and tells how to do it on GitLab and Gitea", async () => {
    const bare = makeRepo({ bare: true });
    const cli = io();
    expect(await run(["hook", "install", "--repo", bare.dir], cli)).toBe(2); // no compiled CLI beside src/hook
    expect(cli.err()).toMatch(/CLI not found: .*main\.js \(build the package first/);
    const ok = io();
    // From the compiled package, the default CLI is its own dist/cli/main.js.
    const r = spawnSync(process.execPath, [buildCli(), "hook", "install", "--repo", bare.dir], { encoding: "utf8" });
    expect(r.status).toBe(0);
    ok.stderr.write(r.stderr);
    expect(ok.err()).toContain(`pre-receive hook installed: ${join(bare.dir, "hooks", "pre-receive")}`);
    expect(readFileSync(join(bare.dir, "hooks", "pre-receive"), "utf8")).toContain(`'${realpathSync(buildCli())}' pre-receive`);
    expect(ok.err()).toContain("custom_hooks");
    expect(ok.err()).toContain("--gitea");
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
