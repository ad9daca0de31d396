import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { TestRepo } from "../helpers/repo.js";
import type { createPushFixture, PushResult, Remote } from "./push-fixture.js";

// The push behaviour of the hook, written once and run over each transport (file://,
// smart HTTP). Every push is a real `git push` to a bare repository with the hook installed.

type Fixture = ReturnType<typeof createPushFixture>;

function expectRejected(r: PushResult, remote: Remote, refsBefore: string, keys: string[]): void {
  expect(r.status).not.toBe(0);
  expect(r.output).toContain("pre-receive hook declined");
  expect(remote.refs()).toBe(refsBefore);
  for (const k of keys) expect(r.output).not.toContain(k);
}

function expectAccepted(r: PushResult, keys: string[] = []): void {
  expect(r.output).not.toContain("declined");
  expect(r.status).toBe(0);
  for (const k of keys) expect(r.output).not.toContain(k);
}

/** A clone of a fresh remote that already has one clean commit on main (pushed before the hook is installed). */
async function started(fx: Fixture, opts: Parameters<Fixture["makeRemote"]>[0] = {}): Promise<{ remote: Remote; repo: TestRepo }> {
  const remote = await fx.makeRemote({ ...opts, install: false });
  const repo = fx.cloneOf(remote);
  repo.commit("init", { "README.md": "shop\n" });
  expectAccepted(fx.push(repo, ["origin", "main"]));
  if (opts.install ?? true) await remote.install();
  return { remote, repo };
}

export function pushScenarios(fx: () => Fixture): void {
  it("accepts a clean push silently and updates the branch", async () => {
    const { remote, repo } = await started(fx());
    const head = repo.commit("feature", { "src/pay.js": "const key = process.env.STRIPE_SECRET_KEY;\n" });
    const r = fx().push(repo, ["origin", "main"]);
    expectAccepted(r);
    expect(r.output).not.toContain("[leakguard]");
    expect(remote.refs()).toContain(`${head} refs/heads/main`);
  });

  it("rejects a live key in the newest commit, with a readable block per finding, and keeps nothing", async () => {
    const { remote, repo } = await started(fx());
    const key = fakeKey();
    const before = remote.refs();
    const leak = repo.commit("wire payments", { "src/pay.js": `const stripe = require("stripe")("${key}");\n` });
    const r = fx().push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain("push rejected: 1 secret found");
    expect(r.output).toContain(`stripe-live-secret-key [critical]: ${redacted(key)}`);
    expect(r.output).toContain("file:   src/pay.js, line 1");
    expect(r.output).toContain(`commit: ${leak}`);
    expect(r.output).toContain("Rotate key");
    expect(r.output).toContain("git commit --amend");
    // The pushed objects were only ever in quarantine, which git discards on rejection.
    expect(remote.has(leak)).toBe(false);
  });

  it("rejects a key added in an older commit of a multi-commit push, even if a later commit removes it", async () => {
    const { remote, repo } = await started(fx());
    const key = fakeKey("rk");
    const before = remote.refs();
    repo.commit("one", { "a.txt": "1\n" });
    const leak = repo.commit("two", { "config/stripe.yml": `secret: ${key}\n` });
    repo.commit("three", { "config/stripe.yml": "secret: ${STRIPE_SECRET_KEY}\n" });
    repo.commit("four", { "a.txt": "2\n" });
    const r = fx().push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain(`stripe-live-restricted-key [high]: ${redacted(key)}`);
    expect(r.output).toContain(`commit: ${leak}`);
  });

  it("rejects a new branch that carries a leak, and accepts a new branch at a commit the server has", async () => {
    const { remote, repo } = await started(fx());
    const key = fakeKey();
    expectAccepted(fx().push(repo, ["origin", "main:refs/heads/release"]));
    const before = remote.refs();
    repo.git("checkout", "-q", "-b", "feature");
    repo.commit("config", { "web/.env.production": `VITE_STRIPE_KEY=${key}\n` });
    const r = fx().push(repo, ["origin", "feature"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain("web/.env.production");
    expect(r.output).toContain("browsers");
  });

  it("rejects an annotated tag: the key in the tagged commit and the key in the tag message", async () => {
    const { remote, repo } = await started(fx());
    const inFile = fakeKey();
    const inMessage = fakeKey();
    const before = remote.refs();
    repo.commit("hotfix", { "deploy/env.sh": `export STRIPE_KEY=${inFile}\n` });
    repo.git("tag", "-a", "v1.0.0", "-m", `release (temporary key ${inMessage})`);
    const r = fx().push(repo, ["origin", "v1.0.0"]);
    expectRejected(r, remote, before, [inFile, inMessage]);
    expect(r.output).toContain(redacted(inFile));
    expect(r.output).toContain(redacted(inMessage));
    expect(r.output).toContain("(tag v1.0.0 message)");
  });

  it("rejects a tag whose only secret is its message, when the commit is already on the server", async () => {
    const { remote, repo } = await started(fx());
    const key = fakeKey();
    repo.git("tag", "-a", "v2", "-m", `notes ${key}`);
    const before = remote.refs();
    const r = fx().push(repo, ["origin", "v2"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain("(tag v2 message)");
  });

  it("rejects the whole push when one of several refs leaks", async () => {
    const { remote, repo } = await started(fx());
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("clean", { "b.txt": "b\n" });
    repo.git("branch", "leaky");
    repo.git("checkout", "-q", "leaky");
    repo.commit("leak", { "k.txt": key });
    const r = fx().push(repo, ["origin", "main", "leaky"]);
    expectRejected(r, remote, before, [key]);
  });

  it("accepts a deletion and a force-push that removes a leak, without re-reporting what the server holds", async () => {
    const remote = await fx().makeRemote({ install: false });
    const repo = fx().cloneOf(remote);
    const key = fakeKey();
    repo.commit("init", { "README.md": "x\n" });
    const clean = repo.head();
    repo.commit("leak", { "settings.py": `STRIPE = "${key}"\n` });
    expectAccepted(fx().push(repo, ["origin", "main", "main:refs/heads/old-feature"]));
    await remote.install();

    const del = fx().push(repo, ["origin", ":refs/heads/old-feature"], {});
    expectAccepted(del, [key]);
    expect(remote.refs()).not.toContain("refs/heads/old-feature");

    repo.git("reset", "-q", "--hard", clean);
    const fixed = repo.commit("settings from env", { "settings.py": "STRIPE = os.environ['STRIPE']\n" });
    const r = fx().push(repo, ["--force", "origin", "main"]);
    expectAccepted(r, [key]);
    expect(r.output).not.toContain("[leakguard]");
    expect(remote.refs()).toContain(`${fixed} refs/heads/main`);
  });

  it("rejects a committed .env even with no key in it, and accepts an .env.example of placeholders", async () => {
    const { remote, repo } = await started(fx());
    repo.commit("docs", { ".env.example": "STRIPE_SECRET_KEY=sk_live_...\n" });
    expectAccepted(fx().push(repo, ["origin", "main"]));
    const before = remote.refs();
    repo.commit("local settings", { ".env": "DATABASE_URL=postgres://localhost/shop\n" });
    const r = fx().push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, []);
    expect(r.output).toContain("dotenv-file [");
    expect(r.output).toContain(".gitignore");
  });

  it("lets a test-mode key through with a warning", async () => {
    const { repo } = await started(fx());
    const key = fakeKey("sk", "test");
    repo.commit("fixture", { "test/fixture.js": `export const key = "${key}";\n` });
    const r = fx().push(repo, ["origin", "main"]);
    expectAccepted(r, [key]);
    expect(r.output).toContain("push accepted with 1 warning");
    expect(r.output).toContain(redacted(key));
  });

  it("accepts a bypass with a reason when the server allows it, and records it without the key", async () => {
    const { remote, repo } = await started(fx(), { pushOptions: true, config: "bypass:\n  allowed: true\n" });
    const key = fakeKey();
    const leak = repo.commit("fixture", { "spec/keys.rb": `KEY = "${key}"\n` });
    const r = fx().push(repo, ["-o", "leakguard.bypass=false-positive", "origin", "main"]);
    expectAccepted(r, [key]);
    expect(r.output).toContain("push accepted on bypass ('false-positive')");
    expect(remote.refs()).toContain(`${leak} refs/heads/main`);
    const log = readFileSync(join(remote.dir, "leakguard-audit.log"), "utf8");
    expect(log).not.toContain(key);
    const entry = JSON.parse(log.trim());
    expect(entry).toMatchObject({ pusher: "ada", reason: "false-positive", scanned: true });
    expect(entry.refs).toEqual([expect.objectContaining({ ref: "refs/heads/main", new: leak })]);
    expect(entry.findings).toEqual([expect.objectContaining({ rule: "stripe-live-secret-key", redacted: redacted(key), commit: leak })]);
  });

  it("refuses a bypass the config does not allow, and one with an unknown reason", async () => {
    const { remote, repo } = await started(fx(), { pushOptions: true });
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("leak", { "k.txt": key });
    const r = fx().push(repo, ["-o", "leakguard.bypass=will-fix-later", "origin", "main"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain("bypass is turned off on this server");
    expect(r.output).not.toContain("git push -o");

    const allowed = await started(fx(), { pushOptions: true, config: "bypass:\n  allowed: true\n" });
    const before2 = allowed.remote.refs();
    allowed.repo.commit("leak", { "k.txt": key });
    const r2 = fx().push(allowed.repo, ["-o", "leakguard.bypass=because", "origin", "main"]);
    expectRejected(r2, allowed.remote, before2, [key]);
    expect(r2.output).toContain("'because' is not a bypass reason here; use one of: false-positive, used-in-tests, will-fix-later");
  });

  it("cannot be bypassed when the server does not take push options", async () => {
    const { remote, repo } = await started(fx(), { config: "bypass:\n  allowed: true\n" });
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("leak", { "k.txt": key });
    const r = fx().push(repo, ["-o", "leakguard.bypass=false-positive", "origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("the receiving end does not support push options");
    expect(remote.refs()).toBe(before);
    // Without the option the hook explains how to ask for a bypass.
    const r2 = fx().push(repo, ["origin", "main"]);
    expectRejected(r2, remote, before, [key]);
    expect(r2.output).toContain("git push -o leakguard.bypass=<reason>");
  });

  it("fails closed when the time budget runs out: the push is rejected and says why", async () => {
    const { remote, repo } = await started(fx());
    writeFileSync(join(remote.dir, "leakguard-hook.yml"), "timeBudgetMs: 1\n");
    const before = remote.refs();
    repo.commit("clean change", { "a.txt": "a\n" });
    const r = fx().push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, []);
    expect(r.output).toContain("did not finish within its time budget (1 ms)");
    expect(r.output).toContain("failMode: closed");
  });

  it("fails open when configured so: the push lands with a warning, even unscanned", async () => {
    const { remote, repo } = await started(fx());
    writeFileSync(join(remote.dir, "leakguard-hook.yml"), "timeBudgetMs: 1\nfailMode: open\n");
    const key = fakeKey();
    const head = repo.commit("leak", { "k.txt": key });
    const r = fx().push(repo, ["origin", "main"]);
    expectAccepted(r, [key]);
    expect(r.output).toContain("the server accepts unscanned pushes (failMode: open)");
    expect(remote.refs()).toContain(`${head} refs/heads/main`);
  });

  it("rejects every push with a one-line reason while the config is invalid", async () => {
    const { remote, repo } = await started(fx());
    writeFileSync(join(remote.dir, "leakguard-hook.yml"), "failMode: sometimes\n");
    const before = remote.refs();
    repo.commit("clean", { "a.txt": "a\n" });
    const r = fx().push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, []);
    expect(r.output).toMatch(/remote: \[leakguard\] bad hook config .*leakguard-hook\.yml: failMode: .*\(push rejected\)/);
    expect(r.output).not.toMatch(/\n\s+at /); // no stack trace
  });
}
