import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { runCli } from "../helpers/cli.js";
import { makeRepo, runGit } from "../helpers/repo.js";

// `scan --staged` reads what the next commit will hold: the index's blobs, never the
// files on disk, which can say anything by the time git commits.

describe("leakguard scan --staged", () => {
  it("finds a key that is staged even when the file on disk no longer holds it", async () => {
    const repo = makeRepo();
    repo.commit("init", { "README.md": "shop\n" });
    const key = fakeKey();
    repo.write("config/pay.js", `const k = "${key}";\n`);
    repo.git("add", "config/pay.js");
    repo.write("config/pay.js", "const k = process.env.STRIPE_KEY;\n"); // disk is clean, the index is not

    const r = await runCli(["scan", "--staged", "--format", "json", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ path: string; redacted: string; blob: string; commit: null }> };
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ path: "config/pay.js", redacted: redacted(key), commit: null });
    expect(report.findings[0]!.blob).toBe(repo.git("rev-parse", ":config/pay.js").trim());
    expect(r.stdout + r.stderr).not.toContain(key);
    // The plain working-tree scan reads the disk, and the disk is clean.
    expect((await runCli(["scan", "--no-progress"], { cwd: repo.dir })).code).toBe(0);
  });

  it("does not report a key that is only on disk, not staged", async () => {
    const repo = makeRepo();
    repo.commit("init", { "README.md": "shop\n" });
    repo.write("notes.txt", `${fakeKey()}\n`);
    const r = await runCli(["scan", "--staged", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(0);
    expect((await runCli(["scan", "--no-progress"], { cwd: repo.dir })).code).toBe(1);
  });

  it("reads the index the commit is being built in (GIT_INDEX_FILE, as `git commit <path>` sets it)", async () => {
    const repo = makeRepo();
    repo.commit("init", { "README.md": "shop\n" });
    const other = join(repo.dir, ".git", "other-index");
    runGit(repo.dir, ["read-tree", "HEAD"], undefined, { GIT_INDEX_FILE: other });
    writeFileSync(join(repo.dir, "k.txt"), `${fakeKey()}\n`);
    runGit(repo.dir, ["add", "k.txt"], undefined, { GIT_INDEX_FILE: other });
    expect((await runCli(["scan", "--staged", "--no-progress"], { cwd: repo.dir })).code).toBe(0);
    expect((await runCli(["scan", "--staged", "--no-progress"], { cwd: repo.dir, env: { GIT_INDEX_FILE: other } })).code).toBe(1);
  });

  it("scans the staged files from a subdirectory with repository paths, and a staged .env as a file finding", async () => {
    const repo = makeRepo();
    repo.commit("init", { "app/README.md": "x\n" });
    repo.write("app/.env", "DEBUG=1\n");
    repo.git("add", "-f", "app/.env");
    const r = await runCli(["scan", "--staged", "--format", "json", "--no-progress"], { cwd: join(repo.dir, "app") });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: Array<{ rule: string; path: string }> }).findings).toEqual([
      expect.objectContaining({ rule: "dotenv-file", path: "app/.env" }),
    ]);
  });

  it("never calls a staged blob it could not read clean: exit 2", async () => {
    const repo = makeRepo();
    repo.commit("init", { "README.md": "shop\n" });
    // An index entry whose blob is not in the object store.
    const missing = "1234567890123456789012345678901234567890";
    repo.git("update-index", "--add", "--cacheinfo", `100644,${missing},ghost.txt`);
    const r = await runCli(["scan", "--staged", "--no-progress"], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("1 staged file(s) could not be read");
  });

  it("says one line and exits 2 outside a work tree", async () => {
    const bare = makeRepo({ bare: true });
    const r = await runCli(["scan", "--staged", "--no-progress"], { cwd: bare.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^\[leakguard\] not inside a git work tree/);
  });

  it("refuses --staged together with --history", async () => {
    const repo = makeRepo();
    const r = await runCli(["scan", "--staged", "--history"], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("choose one of --staged");
  });
});
