import { expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { Fixture } from "./push-expect.js";
import { expectAccepted, expectRejected, started } from "./push-expect.js";

// What the hook scans and how it answers, written once and run over each transport
// (file://, smart HTTP). Every push is a real `git push` to a bare repository with the hook.

export function scanScenarios(fx: () => Fixture): void {
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
}
