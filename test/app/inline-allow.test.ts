import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { E2E_TIMEOUT } from "./harness.js";
import { createWorld, expectKeyNowhere, pushAndCheck } from "./harness.js";

// Issue 8: in the app, `leakguard:allow` is the pusher's word. A live key behind it is a
// leak unless the organization's config says otherwise, and whatever it lets through is shown.

describe("the app and leakguard:allow", { timeout: E2E_TIMEOUT }, () => {
  it("a live key behind the comment still fails the check and opens an issue; a test key behind it is shown as let through", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("shop");
    // The repository's own file (writable by any pusher) asks for more than it may.
    repo.record.files.set(".github/leakguard.yml", "check:\n  inline_allow: all\n");
    const live = fakeKey();
    const test = fakeKey("sk", "test");
    repo.work.commit("sneak", { "src/pay.js": `const k = "${live}"; // leakguard:allow\n`, "spec/k.js": `const t = "${test}"; // leakguard:allow\n` });
    const run = await pushAndCheck(world, app, repo);
    expect(run.conclusion).toBe("failure");
    expect(run.output.annotations.map((a) => a.path)).toEqual(["src/pay.js"]);
    expect(run.output.summary).toContain("only the organization's .github repository can loosen it");
    expect(run.output.summary).toContain(`1 finding(s) let through by a leakguard:allow comment (inline_allow: test-keys): stripe-test-secret-key ${redacted(test)} in spec/k.js`);
    const issues = world.gh.state.issuesOf(repo.fullName);
    expect(issues.map((i) => i.title)).toEqual([`Leaked Stripe live secret key ${redacted(live)} in \`src/pay.js\``]);
    expectKeyNowhere(world, live);
    world.gh.expectNoViolations();
  });

  it("the organization can let live keys behind the comment through: shown on the check run", async () => {
    const world = await createWorld();
    const app = await world.start();
    world.gh.state.addRepo({ owner: "acme", name: ".github", files: { ".github/leakguard.yml": "check:\n  inline_allow: all\n" } });
    const repo = world.addRepo("docs");
    const live = fakeKey();
    repo.work.commit("sample", { "docs/sample.js": `const k = "${live}"; // leakguard:allow\n` });
    const run = await pushAndCheck(world, app, repo);
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toContain(`1 finding(s) let through by a leakguard:allow comment (inline_allow: all): stripe-live-secret-key ${redacted(live)} in docs/sample.js`);
    expect(world.gh.state.issuesOf(repo.fullName)).toEqual([]);
    expectKeyNowhere(world, live);
  });
});

describe("check.fail_on in a repository's own file", { timeout: E2E_TIMEOUT }, () => {
  it("cannot loosen the threshold: a live restricted key still fails the check and opens an issue", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("shop");
    repo.record.files.set(".github/leakguard.yml", "check:\n  fail_on: critical\n");
    const restricted = fakeKey("rk");
    repo.work.commit("restricted key", { "src/pay.js": `const k = "${restricted}";\n` });
    const run = await pushAndCheck(world, app, repo);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("is looser than the organization's");
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    expectKeyNowhere(world, restricted);
  });

  it("can tighten it: a test key fails the check when the repository asks for medium", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("shop");
    repo.record.files.set(".github/leakguard.yml", "check:\n  fail_on: medium\n");
    repo.work.commit("test key", { "src/pay.js": `const k = "${fakeKey("sk", "test")}";\n` });
    const run = await pushAndCheck(world, app, repo);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).not.toContain("looser");
  });

  it("the organization's .github repository can loosen it", async () => {
    const world = await createWorld();
    const app = await world.start();
    world.gh.state.addRepo({ owner: "acme", name: ".github", files: { ".github/leakguard.yml": "check:\n  fail_on: critical\n" } });
    const repo = world.addRepo("shop");
    repo.work.commit("restricted key", { "src/pay.js": `const k = "${fakeKey("rk")}";\n` });
    const run = await pushAndCheck(world, app, repo);
    expect(run.conclusion).not.toBe("failure");
    expect(world.gh.state.issuesOf(repo.fullName)).toEqual([]);
  });
});
