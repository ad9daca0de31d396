import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";
import { runCli } from "../helpers/cli.js";

// Issue 8, "nothing it prints can hurt" and the working-tree scan: each test is the attack.

/** Every format, so that a check on one output cannot pass while another leaks. */
async function allFormats(args: string[], opts: Parameters<typeof runCli>[1] = {}) {
  const text = await runCli([...args, "--format", "text"], opts);
  const json = await runCli([...args, "--format", "json"], opts);
  const sarif = await runCli([...args, "--format", "sarif"], opts);
  return { text, json, sarif, all: [text, json, sarif].map((r) => r.stdout + r.stderr).join("\n") };
}

const ENV = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

describe("a key in a name is a leak, and is never printed in full", () => {
  it("a key in a file name is a finding on the path, in the tree and in history, and every format redacts it", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const name = `backup-${key}.txt`;
    const commit = repo.commit("add", { [`config/${name}`]: "nothing secret in here\n" });
    for (const mode of [[], ["--history"], ["--history", "--engine", "isomorphic"]]) {
      const r = await allFormats(["scan", repo.dir, ...mode]);
      expect(r.text.code).toBe(1);
      expect(r.all).not.toContain(key);
      expect(r.all).toContain(redacted(key));
      const [f] = JSON.parse(r.json.stdout).findings;
      expect(f).toMatchObject({ rule: "stripe-live-secret-key", source: "path", path: `config/backup-${redacted(key)}.txt`, redacted: redacted(key) });
      if (mode.length) expect(f.commit).toBe(commit);
      expect(r.text.stdout).toContain("(in the file name)");
    }
  });

  it("a leakguard:allow written into the file name does not suppress the key it holds", async () => {
    const dir = tempDir();
    const key = fakeKey();
    writeFileSync(join(dir, `${key} leakguard:allow`), "x\n");
    const r = await runCli(["scan", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toHaveLength(1);
    expect(r.stdout).not.toContain(key);
  });

  it("a key in an author name is redacted in every format", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    writeFileSync(join(repo.dir, "pay.js"), `stripe("${fakeKey()}")\n`);
    runGit(repo.dir, ["add", "-A"]);
    runGit(repo.dir, ["commit", "-qm", "x"], undefined, { GIT_AUTHOR_NAME: `Eve ${key}` });
    const r = await allFormats(["scan", repo.dir, "--history"]);
    expect(r.text.code).toBe(1);
    expect(r.all).not.toContain(key);
    expect(JSON.parse(r.json.stdout).findings[0].author).toBe(`Eve ${redacted(key)} <ada@example.com>`);
    expect(r.text.stdout).toContain(`Eve ${redacted(key)}`);
  });

  it("a key in the scanned directory's name is redacted in the report and in errors", async () => {
    const key = fakeKey();
    const dir = join(tempDir(), `proj-${key}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "a.js"), `k = "${fakeKey()}"\n`);
    const r = await allFormats(["scan", dir]);
    expect(r.text.code).toBe(1);
    expect(r.text.stdout).toContain(`proj-${redacted(key)}`);
    expect(r.all).not.toContain(key);
    // git's refusal quotes the directory; the one-line error must not.
    const h = await runCli(["scan", dir, "--history"], { env: ENV });
    expect(h.code).toBe(2);
    expect(h.stderr).not.toContain(key);
    // a path that does not exist, named by the user, is echoed redacted
    const missing = await runCli(["scan", join(dir, `nope-${key}`)]);
    expect([missing.code, missing.stderr.includes(key)]).toEqual([2, false]);
  });
});

describe("control characters in names are quoted, never sent to the terminal", () => {
  const ESC = "\x1b";
  it.each([
    ["an escape sequence", `evil${ESC}[2J${ESC}]0;pwned\x07.js`, String.raw`"evil\033[2J\033]0;pwned\a.js"`],
    ["a newline that forges a report line", "a\nCRITICAL fake.js", String.raw`"a\nCRITICAL fake.js"`],
    ["a carriage return that overwrites the line", "ok.js\rclean", String.raw`"ok.js\rclean"`],
    ["a C1 CSI", "x\u009b31m.js", String.raw`"x\302\23331m.js"`],
    ["a bidi override", "a\u202egnp.js", String.raw`"a\342\200\256gnp.js"`],
  ])("%s in a path (text output quotes it as git does)", async (_name, path, quoted) => {
    const repo = makeRepo();
    repo.commit("add", { [path]: `k = "${fakeKey()}"\n` });
    for (const mode of [[], ["--history"]]) {
      const r = await runCli(["scan", repo.dir, ...mode]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`${quoted}:1:6`);
      expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
      // JSON carries the name exactly, escaped by JSON itself
      expect(JSON.parse((await runCli(["scan", repo.dir, ...mode, "--format", "json"])).stdout).findings[0].path).toBe(path);
    }
  });

  it("an escape sequence in an author name", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo.dir, "pay.js"), `stripe("${fakeKey()}")\n`);
    runGit(repo.dir, ["add", "-A"]);
    runGit(repo.dir, ["commit", "-qm", "x"], undefined, { GIT_AUTHOR_NAME: `Eve\x1b[8m` });
    const r = await runCli(["scan", repo.dir, "--history"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(String.raw`"Eve\033[8m <ada@example.com>"`);
    expect(r.stdout).not.toContain("\x1b");
  });
});

describe("the working tree is read as git would commit it", () => {
  it("does not follow a symlink out of the tree: the link text is scanned, not the key file or /proc/self/environ", async () => {
    const outside = tempDir();
    const key = fakeKey();
    writeFileSync(join(outside, "secrets.env"), `STRIPE_KEY=${key}\n`);
    const repo = makeRepo();
    repo.commit("init", { "README.md": "x\n" });
    symlinkSync(join(outside, "secrets.env"), join(repo.dir, "config.txt"));
    symlinkSync("/proc/self/environ", join(repo.dir, "environ"));
    const envKey = fakeKey();
    const r = await runCli(["scan", repo.dir, "--format", "json"], { env: { STRIPE_SECRET: envKey } });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.stats.blobs).toBe(3); // README.md and the two links' texts
    expect(r.stdout).not.toContain(redacted(envKey));
  });

  it("a symlink whose own text holds a key is a finding: that is what git commits", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("init", { "README.md": "x\n" });
    symlinkSync(`/opt/${key}`, join(repo.dir, "link"));
    const r = await runCli(["scan", repo.dir, "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ path: "link", redacted: redacted(key) });
  });

  it("does not read a tracked file through a directory that became a symlink", async () => {
    const outside = tempDir();
    writeFileSync(join(outside, "pay.js"), `k = "${fakeKey()}"\n`);
    const repo = makeRepo();
    repo.commit("init", { "lib/pay.js": "clean\n" });
    repo.remove("lib");
    symlinkSync(outside, join(repo.dir, "lib"));
    const r = await runCli(["scan", repo.dir, "--format", "json"]);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.stats.skipped).toBeGreaterThanOrEqual(1);
    expect(r.code).toBe(0);
  });

  it("skips and counts a FIFO and a device instead of reading them (either would hang the scan)", async () => {
    // No repository: every entry is walked.
    const dir = tempDir();
    writeFileSync(join(dir, "a.js"), "x\n");
    expect(spawnSync("mkfifo", [join(dir, "pipe")]).status).toBe(0);
    expect(spawnSync("mknod", [join(dir, "zero"), "c", "1", "5"]).status).toBe(0); // /dev/zero: endless if read
    const r = await runCli(["scan", dir]);
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining("2 entries skipped: not a regular file or symlink")]);
    // A repository where tracked files were replaced by a FIFO and a device: git lists them, they are not read.
    const repo = makeRepo();
    repo.commit("init", { pipe: "p\n", zero: "z\n" });
    repo.remove("pipe");
    repo.remove("zero");
    expect(spawnSync("mkfifo", [join(repo.dir, "pipe")]).status).toBe(0);
    expect(spawnSync("mknod", [join(repo.dir, "zero"), "c", "1", "5"]).status).toBe(0);
    const t = await runCli(["scan", repo.dir, "--format", "json"]);
    expect([t.code, JSON.parse(t.stdout).stats.skipped]).toEqual([0, 2]);
  });

  it("never runs the repository's core.fsmonitor command", async () => {
    const repo = makeRepo();
    repo.commit("init", { "a.js": "x\n" });
    const marker = join(tempDir(), "PWNED");
    const hook = join(tempDir(), "fsmonitor.sh");
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(hook, 0o755);
    repo.git("config", "core.fsmonitor", hook);
    // the attack is real: git itself runs it
    spawnSync("git", ["status", "--porcelain"], { cwd: repo.dir, env: GIT_TEST_ENV });
    expect(existsSync(marker)).toBe(true);
    spawnSync("rm", ["-f", marker]);
    for (const mode of [[], ["--history"], ["--history", "--engine", "isomorphic"]]) {
      expect((await runCli(["scan", repo.dir, ...mode])).code).toBe(0);
      expect(existsSync(marker)).toBe(false);
    }
  });

  it("scans a file whose name is not UTF-8 instead of skipping it", async () => {
    const repo = makeRepo();
    repo.commit("init", { "README.md": "x\n" });
    const name = Buffer.concat([Buffer.from(repo.dir + "/caf"), Buffer.from([0xe9]), Buffer.from(".js")]);
    writeFileSync(name, `k = "${fakeKey()}"\n`);
    const r = await runCli(["scan", repo.dir, "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].path).toBe("caf\ufffd.js");
  });

  it("a repository owned by another user: git's reason, exit 2, and the ignored .env is not reported", async () => {
    const repo = makeRepo();
    repo.commit("init", { ".gitignore": ".env\n", "a.js": "x\n" });
    repo.write(".env", `KEY=${fakeKey()}\n`);
    const copy = join(tempDir(), "theirs");
    cpSync(repo.dir, copy, { recursive: true });
    expect(spawnSync("chown", ["-R", "nobody", copy]).status).toBe(0);
    for (const mode of [[], ["--history"]]) {
      const r = await runCli(["scan", copy, ...mode], { env: ENV });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^\[leakguard\] .*dubious ownership/);
    }
  });

  it("a broken index: git's reason and exit 2, never a fall-back walk that reports the ignored .env", async () => {
    const repo = makeRepo();
    repo.commit("init", { ".gitignore": ".env\n", "a.js": "x\n" });
    repo.write(".env", `KEY=${fakeKey()}\n`);
    writeFileSync(join(repo.dir, ".git", "index"), "DIRC garbage");
    const r = await runCli(["scan", repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\[leakguard\] git refused to list the files of .*: index file (smaller than expected|corrupt)/);
    expect(r.stdout).toBe("");
  });

  it("a .git that is not a repository is refused, not walked", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".git"), "gitdir: /nowhere\n");
    writeFileSync(join(dir, ".env"), `KEY=${fakeKey()}\n`);
    const r = await runCli(["scan", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\[leakguard\] git refused .*not a git repository/);
  });

  it("an unreadable tracked .env: still a dotenv-file finding, named as unread, and exit 2 (never clean)", () => {
    // Run as `nobody`: root reads any file whatever its mode.
    const repo = makeRepo();
    repo.commit("init", { ".env": `KEY=${fakeKey()}\n`, "a.js": "x\n", "b.js": "y\n" });
    const copy = join(tempDir(), "mine");
    cpSync(repo.dir, copy, { recursive: true });
    expect(spawnSync("chown", ["-R", "nobody", join(copy, "..")]).status).toBe(0);
    chmodSync(dirname(dirname(buildCli())), 0o755); // the compiled CLI, built in a 0700 temp dir
    const asNobody = (name: string, format: string) => {
      chmodSync(join(copy, name), 0o000);
      const r = spawnSync(process.execPath, [buildCli(), "scan", copy, "--format", format], {
        uid: 65534,
        gid: 65534,
        env: { PATH: process.env["PATH"], HOME: "/nonexistent", ...ENV },
        encoding: "utf8",
      });
      chmodSync(join(copy, name), 0o644);
      return r;
    };
    const r = asNobody(".env", "json");
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([expect.objectContaining({ rule: "dotenv-file", path: ".env" })]);
    expect(report.unread).toEqual([{ path: ".env", reason: "EACCES" }]);
    expect(report.stats.unreadable).toBe(1);
    expect(r.stderr).toMatch(/^\[leakguard\] incomplete scan: 1 file\(s\) could not be read \(first: \.env, EACCES\)\n$/);
    // An unreadable file with no finding at all is still not "clean".
    const t = asNobody("b.js", "text");
    expect(t.status).toBe(2);
    expect(t.stdout).not.toMatch(/^No leaks found in \//m);
    expect(t.stdout).toContain("INCOMPLETE: 1 file(s) could not be read");
    expect(readFileSync(join(copy, "a.js"), "utf8")).toBe("x\n");
  });
});

describe("inline leakguard:allow in the CLI: honoured, but counted and shown in every format", () => {
  it("lists the suppressed finding in text, JSON and SARIF (as a SARIF suppression)", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("fixture", { "test/fixture.js": `const k = "${key}"; // leakguard:allow\n` });
    const r = await allFormats(["scan", repo.dir, "--history"]);
    expect(r.text.code).toBe(0);
    expect(r.all).not.toContain(key);
    expect(r.text.stdout).toContain(`Note: 1 finding(s) suppressed by leakguard:allow or the baseline:`);
    expect(r.text.stdout).toContain(`stripe-live-secret-key ${redacted(key)} test/fixture.js:1:12`);
    const json = JSON.parse(r.json.stdout);
    expect([json.stats.suppressed, json.findings, json.suppressed[0].suppressedBy]).toEqual([1, [], "inline-allow"]);
    const [result] = JSON.parse(r.sarif.stdout).runs[0].results;
    expect(result.suppressions).toEqual([expect.objectContaining({ kind: "inSource" })]);
  });
});

