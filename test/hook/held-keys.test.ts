import { beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { createPushFixture } from "./push-fixture.js";
import { expectAccepted, expectRejected, started } from "./push-expect.js";

// Push semantics by key, not by blob (issue 11): a key the server already held before a
// push is not added by it. Real pushes to a real bare repository with the hook installed;
// the old key is pushed before the hook is installed, as on a server that adopts leakguard.

let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
});

/** A server that already holds `old` in config.js on main, and a clone of it. */
async function serverHolding(config?: string) {
  const old = fakeKey();
  const { remote, repo } = await started(fx, { install: false, ...(config ? { config } : {}) });
  repo.commit("wire stripe", { "config.js": `module.exports = {\n  key: "${old}",\n  retries: 1,\n};\n` });
  expectAccepted(fx.push(repo, ["origin", "main"]));
  await remote.install();
  return { remote, repo, old };
}

describe("a key the server already held", () => {
  it("an edit next to it is accepted, with a warning that says where the server already has it", async () => {
    const { repo, old } = await serverHolding();
    const before = repo.head();
    repo.commit("more retries", { "config.js": `module.exports = {\n  key: "${old}",\n  retries: 3,\n};\n` });
    const r = fx.push(repo, ["origin", "main"]);
    expectAccepted(r, [old]);
    expect(r.output).toContain("push accepted: it adds no new secret, but it touches 1 secret this server already held before it.");
    expect(r.output).toContain(redacted(old));
    expect(r.output).toContain(`already in: config.js (commit ${before}, which this server had before the push)`);
    expect(r.output).toContain("Rotate a live key in the Stripe Dashboard");
    expect(r.output).not.toContain("did not keep");
  });

  it("a merge of a branch the server already has is accepted with a warning", async () => {
    const old = fakeKey();
    const { remote, repo } = await started(fx, { install: false });
    repo.git("checkout", "-q", "-b", "feature");
    repo.commit("feature with key", { "pay.js": `const k = "${old}";\n` });
    expectAccepted(fx.push(repo, ["origin", "feature"]));
    repo.git("checkout", "-q", "main");
    repo.commit("main moves on", { "README.md": "shop v2\n" });
    expectAccepted(fx.push(repo, ["origin", "main"]));
    await remote.install();
    repo.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature");
    const r = fx.push(repo, ["origin", "main"]);
    expectAccepted(r, [old]);
    expect(r.output).toContain("already in: pay.js");
    expect(remote.refs()).toContain(repo.head());
  });

  it("a new key in the same push is still rejected, and the message keeps the two apart", async () => {
    const { remote, repo, old } = await serverHolding();
    const fresh = fakeKey();
    repo.commit("edit and leak", { "config.js": `module.exports = {\n  key: "${old}",\n  other: "${fresh}",\n};\n` });
    const refs = remote.refs();
    const r = fx.push(repo, ["origin", "main"]);
    expectRejected(r, remote, refs, [old, fresh]);
    expect(r.output).toContain("push rejected: 1 secret found");
    expect(r.output).toContain("1 secret already on this server before this push");
    expect(r.output).toContain("This server refused the push, so it did not keep the new key.");
    // The rejected key is the new one.
    const blockingPart = r.output.slice(0, r.output.indexOf("already on this server"));
    expect(blockingPart).toContain(redacted(fresh));
    expect(blockingPart).not.toContain(redacted(old));
  });

  it("a key added in one pushed commit cannot pass as old through a second pushed commit", async () => {
    const { remote, repo } = await started(fx);
    const fresh = fakeKey();
    repo.commit("leak", { "a.js": `k = "${fresh}"\n` });
    repo.commit("touch it", { "a.js": `k = "${fresh}"\nmore = 1\n` });
    const refs = remote.refs();
    expectRejected(fx.push(repo, ["origin", "main"]), remote, refs, [fresh]);
  });

  it("blockKnownKeys: true with a new key as well: the new one is told as never kept, the held one as already here", async () => {
    const { remote, repo, old } = await serverHolding("blockKnownKeys: true\n");
    const fresh = fakeKey();
    repo.commit("edit and leak", { "config.js": `module.exports = {\n  key: "${old}",\n  other: "${fresh}",\n};\n` });
    const refs = remote.refs();
    const r = fx.push(repo, ["origin", "main"]);
    expectRejected(r, remote, refs, [old, fresh]);
    expect(r.output).toContain("push rejected: 2 secrets found");
    expect(r.output).toContain("This server refused the push, so it did not keep the new key.");
    expect(r.output).toContain("1 of these secrets was already on this server before this push");
  });

  it("a key that is only on another branch of the push's own history is not held (the server never had that branch)", async () => {
    const { remote, repo } = await started(fx);
    const fresh = fakeKey();
    repo.git("checkout", "-q", "-b", "side");
    repo.commit("side leak", { "s.js": `k = "${fresh}"\n` });
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side");
    const refs = remote.refs();
    expectRejected(fx.push(repo, ["origin", "main"]), remote, refs, [fresh]);
  });

  it("a key in a branch the server deleted is not held: its commit lingers in the store, but no ref reaches it", async () => {
    const old = fakeKey();
    const { remote, repo } = await started(fx, { install: false });
    repo.git("checkout", "-q", "-b", "tmp");
    const gone = repo.commit("tmp key", { "t.js": `k = "${old}"\n` });
    expectAccepted(fx.push(repo, ["origin", "tmp"]));
    expectAccepted(fx.push(repo, ["origin", ":tmp"]));
    await remote.install();
    expect(remote.has(gone)).toBe(true);
    repo.commit("build on it", { "t.js": `k = "${old}"\nn = 2\n` });
    const refs = remote.refs();
    expectRejected(fx.push(repo, ["origin", "HEAD:refs/heads/revived"]), remote, refs, [old]);
  });

  it("blockKnownKeys: true refuses the edit as well, and says the key was already there", async () => {
    const { remote, repo, old } = await serverHolding("blockKnownKeys: true\n");
    repo.commit("more retries", { "config.js": `module.exports = {\n  key: "${old}",\n  retries: 3,\n};\n` });
    const refs = remote.refs();
    const r = fx.push(repo, ["origin", "main"]);
    expectRejected(r, remote, refs, [old]);
    expect(r.output).toContain("already in: config.js");
    expect(r.output).toContain("every secret that blocks this push was already on this server before it");
    expect(r.output).not.toContain("did not keep");
  });
});
