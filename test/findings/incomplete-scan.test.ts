import { chmodSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";
import { missingBlob, partial } from "../git/history-fixtures.js";

// "Never clean without having looked" (issue 8), through the CLI as a user runs it: an
// object the history names that cannot be read makes `scan --history` exit 2, and every
// format says which objects were not read.

describe.each(["native", "isomorphic"] as const)("scan --history with the %s engine, on a repository missing objects", (engine) => {
  it.each([
    { name: "a blobless partial clone", fixture: () => ({ dir: partial().dir, missing: partial().missing }) },
    { name: "a deleted blob", fixture: () => ({ dir: missingBlob().dir, missing: [missingBlob().missing] }) },
  ])("exits 2 and names the unread objects for $name, in text, JSON and SARIF", async ({ fixture }) => {
    const { dir, missing } = fixture();
    const text = await runCli(["scan", dir, "--history", "--engine", engine, "--no-progress"]);
    expect(text.code).toBe(2);
    expect(text.stdout).not.toMatch(/^No leaks found/m);
    expect(text.stdout).toContain(`Incomplete: ${missing.length} object(s) could not be read`);
    for (const oid of missing) expect(text.stdout).toContain(oid);

    const json = await runCli(["scan", dir, "--history", "--engine", engine, "--format", "json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).stats).toMatchObject({ partial: true, incomplete: true, unreadObjects: missing });

    const sarif = await runCli(["scan", dir, "--history", "--engine", engine, "--format", "sarif"]);
    expect(sarif.code).toBe(2);
    const [inv] = JSON.parse(sarif.stdout).runs[0].invocations;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text.split(" ")[1])).toEqual(missing);
  });
});

describe("scan --history on a complete repository", () => {
  it("reports a successful run and no unread objects", async () => {
    const repo = makeRepo();
    repo.commit("init", { "README.md": "hello\n" });
    const sarif = await runCli(["scan", repo.dir, "--history", "--format", "sarif"]);
    expect(sarif.code).toBe(0);
    expect(JSON.parse(sarif.stdout).runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    const json = JSON.parse((await runCli(["scan", repo.dir, "--history", "--format", "json"])).stdout);
    expect(json.stats).toMatchObject({ partial: false, incomplete: false, unreadObjects: [] });
  });
});

describe("scan --history when git itself refuses or dies", () => {
  it("gives git's reason on one line and exits 2 for a repository owned by someone else", async () => {
    // Handing the repository to another user needs chown, so this runs as root (as CI does).
    const repo = makeRepo();
    repo.commit("leak", { "pay.js": `stripe("${fakeKey()}")\n` });
    const theirs = join(tempDir(), "theirs");
    cpSync(repo.dir, theirs, { recursive: true });
    execFileSync("chown", ["-R", "65534:65534", theirs]);
    const r = await runCli(["scan", theirs, "--history", "--engine", "native"], { env: { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^\[leakguard\] [^\n]*dubious ownership[^\n]*\n$/);
  });

  it("exits 2, never 0, when a git child is killed by SIGTERM", async () => {
    const repo = makeRepo();
    repo.commit("leak", { "pay.js": `stripe("${fakeKey()}")\n` });
    const bin = join(tempDir(), "bin");
    mkdirSync(bin);
    const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    writeFileSync(join(bin, "git"), `#!/bin/sh\ncase " $* " in *" cat-file --batch "*) kill -TERM $$ ;; esac\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, "git"), 0o755);
    const r = await runCli(["scan", repo.dir, "--history", "--engine", "native", "--no-progress"], { env: { PATH: `${bin}:${process.env["PATH"]}` } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^\[leakguard\] [^\n]*killed by SIGTERM[^\n]*\n$/);
  });
});
