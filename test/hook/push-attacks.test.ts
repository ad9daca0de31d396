import { execFileSync, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { GIT_TEST_ENV, runGit } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";
import { createPushFixture } from "./push-fixture.js";
import { killGit } from "./kill-git.js";
import type { Remote } from "./push-fixture.js";
import { expectAccepted, expectRejected, started } from "./push-expect.js";

// The ways around a commit walk (issue 8), each tried as a pusher would: a real `git push`
// to a bare repository with the hook installed.

let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
});

const hashObject = (repo: TestRepo, type: string, content: string | Buffer) =>
  execFileSync("git", ["hash-object", "-t", type, "-w", "--stdin", "--literally"], { cwd: repo.dir, input: content, env: GIT_TEST_ENV }).toString().trim();

/** A commit object written by hand, so that its header and message bytes are exactly these. */
function rawCommit(repo: TestRepo, extraHeader: string, message: Buffer): string {
  const parent = repo.head();
  const tree = repo.git("rev-parse", "HEAD^{tree}").trim();
  const head = `tree ${tree}\nparent ${parent}\nauthor Ada Dev <ada@example.com> 1700000000 +0000\ncommitter Ada Dev <ada@example.com> 1700000000 +0000\n${extraHeader}\n`;
  return hashObject(repo, "commit", Buffer.concat([Buffer.from(head), message]));
}

describe("pre-receive hook against pushes that hide a key from a commit walk", () => {
  it("rejects a blob pushed directly as a ref", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    const blob = hashObject(repo, "blob", `STRIPE=${key}\n`);
    const before = remote.refs();
    const r = fx.push(repo, ["origin", `${blob}:refs/tags/x`]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain(redacted(key));
    expect(r.output).toContain("(blob held by pushed blob");
  });

  it("rejects a tree pushed directly as a ref when it holds a .env, and when it holds a key", async () => {
    const { remote, repo } = await started(fx);
    const env = hashObject(repo, "blob", "DATABASE_URL=postgres://localhost/shop\n");
    const tree = runGit(repo.dir, ["mktree"], `100644 blob ${env}\t.env\n`).trim();
    const before = remote.refs();
    const r = fx.push(repo, ["origin", `${tree}:refs/tags/env`]);
    expectRejected(r, remote, before, []);
    expect(r.output).toContain("dotenv-file [");

    const key = fakeKey("rk");
    const inner = runGit(repo.dir, ["mktree"], `100644 blob ${hashObject(repo, "blob", `k: ${key}\n`)}\tstripe.yml\n`).trim();
    const outer = runGit(repo.dir, ["mktree"], `040000 tree ${inner}\tconfig\n`).trim();
    const r2 = fx.push(repo, ["origin", `${outer}:refs/trees/config`]);
    expectRejected(r2, remote, before, [key]);
    expect(r2.output).toContain("config/stripe.yml");
  });

  it("rejects an annotated tag of a blob", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    const blob = hashObject(repo, "blob", `token ${key}\n`);
    repo.git("tag", "-a", "data", "-m", "just data", blob);
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "refs/tags/data"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain(redacted(key));
  });

  it("rejects a tag chain whose inner tag carries the key in its message", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    repo.git("tag", "-a", "inner", "-m", `release notes ${key}`);
    repo.git("tag", "-a", "outer", "-m", "outer", "inner");
    repo.git("tag", "-d", "inner");
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "refs/tags/outer"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain("(tag inner message)");
  });

  it("rejects a key in a UTF-16LE commit message, and one behind a NUL byte", async () => {
    const { remote, repo } = await started(fx);
    const before = remote.refs();
    const wide = fakeKey();
    const c1 = rawCommit(repo, "encoding UTF-16LE\n", Buffer.from(`rotate ${wide}\n`, "utf16le"));
    const r1 = fx.push(repo, ["origin", `${c1}:refs/heads/wide`]);
    expectRejected(r1, remote, before, [wide]);
    expect(r1.output).toContain(redacted(wide));
    const hidden = fakeKey();
    const c2 = rawCommit(repo, "", Buffer.concat([Buffer.from("fine\n\0"), Buffer.from(`${hidden}\n`)]));
    const r2 = fx.push(repo, ["origin", `${c2}:refs/heads/nul`]);
    expectRejected(r2, remote, before, [hidden]);
    expect(r2.output).toContain(redacted(hidden));
  });

  it("rejects a replace ref, and still finds the key when replace refs are allowed and the branch follows", async () => {
    for (const allow of [false, true]) {
      const { remote, repo } = await started(fx, { config: allow ? "allowReplaceRefs: true\n" : "" });
      const key = fakeKey();
      const clean = repo.head();
      repo.git("checkout", "-q", "-b", "leaky");
      const leak = repo.commit("config", { "pay.js": `stripe("${key}")\n` });
      repo.git("checkout", "-q", "main");
      const decoy = repo.git("commit-tree", `${clean}^{tree}`, "-p", clean, "-m", "config").trim();
      repo.git("replace", leak, decoy);
      const before = remote.refs();
      const r = fx.push(repo, ["origin", `refs/replace/${leak}`]);
      if (!allow) {
        expectRejected(r, remote, before, [key]);
        expect(r.output).toContain("replace ref");
        expect(r.output).toContain("allowReplaceRefs: false");
        continue;
      }
      expectAccepted(r, [key]); // the decoy itself is clean
      const r2 = fx.push(repo, ["origin", "leaky"]);
      expectRejected(r2, remote, remote.refs(), [key]);
      expect(r2.output).toContain(`commit: ${leak}`);
    }
  });

  it("rejects a pack that carries a keyed blob no pushed ref reaches (read from the quarantine)", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    const stray = hashObject(repo, "blob", `STRIPE_SECRET_KEY=${key}\n`);
    const old = repo.head();
    const next = repo.commit("clean", { "a.txt": "a\n" });
    const objects = runGit(repo.dir, ["rev-list", "--objects", next, `^${old}`]).split("\n").map((l) => l.slice(0, 40)).filter(Boolean);
    const pack = execFileSync("git", ["pack-objects", "--stdout", "-q"], { cwd: repo.dir, input: [...objects, stray].join("\n") + "\n", env: GIT_TEST_ENV });
    const before = remote.refs();
    const r = receivePack(remote, `${old} ${next} refs/heads/main`, pack);
    expect(r.stdout).toContain("ng refs/heads/main pre-receive hook declined");
    expect(remote.refs()).toBe(before);
    expect(r.stderr).toContain(`(pushed blob ${stray}, reached by no ref)`);
    expect(r.stderr).toContain(redacted(key));
    expect(r.stderr + r.stdout).not.toContain(key);
  });

  it("rejects, under failMode closed, a push whose scan lost a git child to SIGTERM", async () => {
    const { remote, repo } = await started(fx);
    killGit(remote, "cat-file --batch");
    repo.commit("clean change", { "a.txt": "a\n" });
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, []);
    expect(r.output).toContain("killed by SIGTERM");
    expect(r.output).toContain("failMode: closed");
  });
});

/**
 * Speaks the push protocol to `git receive-pack` directly (pkt-lines, then the pack), so
 * a test can send a pack holding objects that `git push` would never include.
 */
function receivePack(remote: Remote, command: string, pack: Buffer): { stdout: string; stderr: string } {
  const line = `${command}\0report-status\n`;
  const pkt = (Buffer.byteLength(line) + 4).toString(16).padStart(4, "0") + line;
  const input = Buffer.concat([Buffer.from(pkt + "0000"), pack]);
  const r = spawnSync("git", ["receive-pack", remote.dir], { input, env: { ...GIT_TEST_ENV, GIT_PUSHER: "ada" } });
  return { stdout: r.stdout.toString("latin1"), stderr: r.stderr.toString("utf8") };
}
