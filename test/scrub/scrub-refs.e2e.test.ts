import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fakeKey } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";
import { allObjects, freshClone, refsOf } from "./leaky-repo.js";
import { inspectRepo } from "../../src/scrub/inspect-repo.js";
import { sweepObjects } from "../../src/scrub/sweep-objects.js";

const scrub = (...args: string[]) => runCli(["scrub", ...args], { env: GIT_TEST_ENV });
const hits = (dir: string, key: string) => allObjects(dir).toString("latin1").split(key).length - 1;
const hashBlob = (dir: string, text: string | Buffer) => execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: dir, input: text, env: GIT_TEST_ENV }).toString().trim();

/** The push line the report prints (indented under its step). */
const pushLine = (out: string) => /^ {4}(git push .*)$/m.exec(out)?.[1];

/** A server (bare) whose history leaks: a committed .env and a key in source. */
function makeServer(branch = "main") {
  const key = fakeKey();
  const r = makeRepo({ branch });
  r.commit("initial", { "README.md": "# shop\n" });
  r.commit("config", { ".env": `STRIPE_SECRET_KEY=${key}\n`, "src/pay.js": `const k = "${key}";\n` });
  const server = join(tempDir("leakguard-server-"), "server.git");
  execFileSync("git", ["clone", "-q", "--bare", r.dir, server], { env: GIT_TEST_ENV });
  return { server, key, author: r };
}

describe("scrub: refs that hold a blob or a tree directly", () => {
  it("cleans a blob ref, a tree ref, tags on a blob and a tree and a tag chain, and the re-scan reads them", async () => {
    const { server, key } = makeServer();
    const other = fakeKey("rk");
    // What `git push origin <blob>:refs/tags/x` leaves on a server, and its cousins.
    const blob = hashBlob(server, `token=${key}\n`);
    const env = hashBlob(server, "DB_PASSWORD=hunter2\n");
    const code = hashBlob(server, `module.exports = "${other}";\n`);
    const tree = execFileSync("git", ["mktree"], { cwd: server, env: GIT_TEST_ENV, input: `100644 blob ${env}\t.env\n100644 blob ${code}\tkey.js\n` }).toString().trim();
    runGit(server, ["update-ref", "refs/tags/blob-ref", blob]);
    runGit(server, ["update-ref", "refs/tags/tree-ref", tree]);
    runGit(server, ["tag", "-a", "-m", `on a blob, ${other}`, "tag-on-blob", blob]);
    runGit(server, ["tag", "-a", "-m", "on a tree", "tag-on-tree", tree]);
    runGit(server, ["-c", "advice.nestedTag=false", "tag", "-a", "-m", "outer", "tag-chain", "tag-on-blob"]);
    const work = freshClone(server);
    expect(refsOf(work)).toContain("refs/tags/tree-ref"); // a clone hands these out

    const preview = await scrub(work, "--dry-run");
    expect(preview.stdout).toMatch(/refs\/tags\/blob-ref \(blob\): would point at a cleaned copy/);
    expect(preview.stdout).toMatch(/refs\/tags\/tag-on-tree \(tree\): would point at a cleaned copy/);

    const r = await scrub(work, "--yes");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(hits(work, key)).toBe(0);
    expect(hits(work, other)).toBe(0);
    for (const ref of ["tree-ref", "tag-on-tree"]) {
      expect(runGit(work, ["ls-tree", "--name-only", `refs/tags/${ref}^{}`])).toBe("key.js\n");
      expect(runGit(work, ["show", `refs/tags/${ref}^{}:key.js`])).toBe('module.exports = "***REMOVED***";\n');
    }
    expect(runGit(work, ["cat-file", "blob", "refs/tags/tag-chain^{}"])).toBe("token=***REMOVED***\n");
    expect(runGit(work, ["cat-file", "-t", "refs/tags/tag-chain"])).toBe("tag\n");
    expect(runGit(work, ["cat-file", "tag", "refs/tags/tag-on-blob"])).toContain("on a blob, ***REMOVED***");
    for (const ref of ["blob-ref", "tree-ref", "tag-on-blob", "tag-on-tree", "tag-chain"]) expect(r.stdout).toContain(`+refs/tags/${ref}:refs/tags/${ref}`);
    expect(r.stdout).toContain("Re-scan of every object left in the repository: clean.");
    expect(r.stdout).not.toContain(key);
  });

  it("never calls it clean when a ref holds a binary with a key: reported, or deleted (and the push deletes it) with --delete-binary-with-keys", async () => {
    const { server, key } = makeServer();
    const binary = hashBlob(server, Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`k=${key}`)]));
    runGit(server, ["update-ref", "refs/tags/firmware", binary]);
    const kept = freshClone(server);
    const r = await scrub(kept, "--yes");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("refs/tags/firmware (blob): a binary holding a key: left as it is");
    expect(r.stdout).toMatch(/still finds 1 finding:\n  stripe-live-secret-key sk_live_…\w{4} held by refs\/tags\/firmware/);
    expect(r.stdout).not.toContain("clean.");

    const deleted = freshClone(server);
    const d = await scrub(deleted, "--yes", "--delete-binary-with-keys");
    expect(d.code).toBe(0);
    expect(refsOf(deleted)).not.toContain("refs/tags/firmware");
    expect(hits(deleted, key)).toBe(0);
    const push = pushLine(d.stdout)!;
    expect(push).toContain(" :refs/tags/firmware");
    execFileSync("sh", ["-c", push], { cwd: deleted, env: GIT_TEST_ENV, stdio: "pipe" });
    expect(refsOf(server)).not.toContain("refs/tags/firmware");
  });

  it("refuses a partial clone (exit 2, one line): its missing blobs could be neither read nor rewritten", async () => {
    const { server } = makeServer();
    runGit(server, ["config", "uploadpack.allowFilter", "true"]);
    const partial = join(tempDir(), "partial");
    execFileSync("git", ["clone", "-q", "--no-local", "--filter=blob:none", server, partial], { env: GIT_TEST_ENV, stdio: "pipe" });
    const r = await scrub(partial, "--dry-run");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\[leakguard\] this is a partial clone .*\n$/);
  });

  it("does not say 'Nothing to remove' when a blob ref is the only leak", async () => {
    const r = makeRepo();
    r.commit("clean", { "a.txt": "nothing here\n" });
    runGit(r.dir, ["update-ref", "refs/tags/stash-of-keys", hashBlob(r.dir, `${fakeKey()}\n`)]);
    const out = await scrub(r.dir, "--dry-run");
    expect(out.stdout).not.toMatch(/Nothing to remove/);
    expect(out.stdout).toContain("refs/tags/stash-of-keys (blob)");
  });

  it("reads around replace refs: a clean decoy replacing the leaking commit changes nothing that is rewritten", async () => {
    const { server, key, author } = makeServer();
    const leaking = runGit(server, ["rev-parse", "main"]).trim();
    author.git("checkout", "-q", "--orphan", "decoy");
    const decoy = author.commit("config (clean)", { ".env": null, "src/pay.js": "const k = process.env.KEY;\n" });
    runGit(server, ["fetch", "-q", author.dir, `${decoy}:refs/heads/decoy`]);
    runGit(server, ["update-ref", `refs/replace/${leaking}`, decoy]);
    runGit(server, ["update-ref", "-d", "refs/heads/decoy"]);
    // Through the replace ref, the history looks clean.
    expect(runGit(server, ["show", "main:src/pay.js"])).not.toContain(key);
    const mirror = freshClone(server, { bare: true });
    const r = await scrub(mirror, "--yes");
    expect(r.code).toBe(0);
    expect(hits(mirror, key)).toBe(0);
    expect(r.stdout).toMatch(/1 replace ref \(refs\/replace\/\*\) were read as plain refs/);
    expect(r.stdout).toContain(`refs/replace/${leaking}`);
    expect(r.stdout).toContain("Re-scan of every object left in the repository: clean.");
  });
});

describe("scrub: a live key on a leakguard:allow line", () => {
  it("is replaced all the same, and the re-scan would count it", async () => {
    const key = fakeKey();
    const r = makeRepo();
    r.commit("allowed?", { "src/pay.js": `const k = "${key}"; // leakguard:allow\n` });
    const work = freshClone(r.dir);
    const out = await scrub(work, "--yes");
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`sk_live_…${key.slice(-4)}`);
    expect(hits(work, key)).toBe(0);
    expect(runGit(work, ["show", "HEAD:src/pay.js"])).toBe('const k = "***REMOVED***"; // leakguard:allow\n');
    expect(out.stdout).toContain("Re-scan of every object left in the repository: clean.");
  });

  it("is counted by the re-scan, which decides 'clean' (a comment is no exemption there either)", async () => {
    const key = fakeKey();
    const r = makeRepo();
    r.commit("allowed?", { "src/pay.js": `const k = "${key}"; // leakguard:allow\n` });
    const repo = await inspectRepo(r.dir, GIT_TEST_ENV);
    const held = await sweepObjects(repo, false);
    expect(held.map((h) => [h.type, h.rule, h.shown])).toEqual([["blob", "stripe-live-secret-key", `sk_live_…${key.slice(-4)}`]]);
  });
});

describe("scrub: the printed push command, pasted into a shell", () => {
  const hostile = "fix$(touch${IFS}PWNED)";

  it("runs nothing from a branch name and force-pushes every rewritten ref from a fresh clone", async () => {
    const { server, key } = makeServer();
    runGit(server, ["branch", hostile, "main"]);
    runGit(server, ["tag", "v1", "main"]);
    const work = freshClone(server);
    const r = await scrub(work, "--yes");
    expect(r.code).toBe(0);
    const push = pushLine(r.stdout)!;
    const pasted = spawnSync("sh", ["-c", push], { cwd: work, env: GIT_TEST_ENV, encoding: "utf8" });
    expect(existsSync(join(work, "PWNED"))).toBe(false); // the attack: a pasted line runs `touch`
    expect(pasted.status, pasted.stderr).toBe(0);
    expect(push).toContain(`'+refs/remotes/origin/${hostile}:refs/heads/${hostile}'`);
    for (const ref of ["refs/heads/main", `refs/heads/${hostile}`, "refs/tags/v1"]) {
      const local = ref === "refs/heads/main" ? ref : ref.replace("refs/heads/", "refs/remotes/origin/");
      expect(runGit(server, ["rev-parse", ref])).toBe(runGit(work, ["rev-parse", local]));
    }
    expect(runGit(server, ["log", "--all", "-p"])).not.toContain(key);
  });

  it("works as printed in a --mirror clone (git refuses refspecs there)", async () => {
    const { server, key } = makeServer();
    runGit(server, ["branch", hostile, "main"]);
    const mirror = freshClone(server, { bare: true });
    const r = await scrub(mirror, "--yes");
    expect(r.code).toBe(0);
    const push = pushLine(r.stdout)!;
    const pasted = spawnSync("sh", ["-c", push], { cwd: mirror, env: GIT_TEST_ENV, encoding: "utf8" });
    expect(existsSync(join(mirror, "PWNED"))).toBe(false);
    expect(pasted.status, pasted.stderr).toBe(0); // not "--mirror can't be combined with refspecs"
    expect(push).toBe("git push --force --mirror origin");
    expect(refsOf(server)).toBe(refsOf(mirror));
    expect(runGit(server, ["log", "--all", "-p"])).not.toContain(key);
  });

  it("quotes the repository path in the preview's rewrite command", async () => {
    const { server } = makeServer();
    const dir = join(tempDir(), "shop$(touch PWNED)");
    execFileSync("git", ["clone", "-q", "--no-local", server, dir], { env: GIT_TEST_ENV });
    const r = await scrub(dir);
    const line = /To rewrite, run: (.*)$/m.exec(r.stdout)![1]!;
    expect(line).toBe(`leakguard scrub --yes '${dir}'`);
  });
});
