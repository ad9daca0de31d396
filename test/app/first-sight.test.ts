import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { makeWebhook } from "../helpers/webhook.js";
import { createWorld, expectKeyNowhere, installationPayload, settle } from "./harness.js";
import { E2E_TIMEOUT } from "./harness.js";

describe("first sight of a repository", { timeout: E2E_TIMEOUT }, () => {
  it("scans the whole history on installation and finds a key only old history holds", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("legacy", { private: true });
    const key = fakeKey("rk");
    repo.work.commit("init", { "README.md": "legacy\n" });
    const leak = repo.work.commit("wire payments", { "app/src/main/res/values/stripe.xml": `<string name="k">${key}</string>\n` });
    repo.work.commit("move key to backend", { "app/src/main/res/values/stripe.xml": null });
    const { after } = repo.push();

    const res = await world.deliver(app, "installation", installationPayload(world.installationId, [repo.fullName]));
    expect(res.status).toBe(202);
    await settle(app);

    const run = world.gh.state.checkRunsOf(repo.fullName)[0]!;
    expect(run.head_sha).toBe(after); // the default branch tip
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("the full history");
    const [issue] = world.gh.state.issuesOf(repo.fullName);
    expect(issue!.title).toBe(`Leaked Stripe live restricted key ${redacted(key)} in \`app/src/main/res/values/stripe.xml\``);
    expect(issue!.body).toContain(`/commit/${leak}`);
    expect(issue!.body).toContain("(`branch main`)");
    expect(issue!.body).toContain("unknown (found in existing history)");
    expect(issue!.body).toContain("The repository is private");
    expect(issue!.body).toContain("Android or iOS");
    expect(issue!.body).toContain("| Still in the tip of `main` | ✅ no |");
    expect(issue!.body).toContain("| Still reachable in the history | ❌ yes |");
    expectKeyNowhere(world, key);

    // Repositories added to the installation later get the same first look.
    const later = world.addRepo("later");
    const other = fakeKey();
    later.work.commit("old config", { "wp-config.php": `<?php define('STRIPE_KEY', '${other}');\n` });
    later.push();
    const added = makeWebhook("installation_repositories", { action: "added", installationId: world.installationId, repositories: [later.record] }).payload;
    await world.deliver(app, "installation_repositories", added);
    await settle(app);
    const [laterIssue] = world.gh.state.issuesOf(later.fullName);
    expect(laterIssue!.body).toContain("a CMS configuration file");
    expectKeyNowhere(world, other);
    world.gh.expectNoViolations();
  });

  it("scans history on the first push it sees too, and only the pushed range after that", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("api");
    const old = fakeKey();
    repo.work.commit("old", { "config.js": `k = "${old}"\n` });
    repo.work.commit("fix", { "config.js": "k = process.env.K\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);

    repo.work.commit("feature", { "feature.js": "x\n" });
    const push = repo.push();
    await world.deliver(app, "push", repo.pushPayload(push));
    await settle(app);
    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after)!;
    expect(run.conclusion).toBe("success"); // the old leak has its issue; this push added nothing
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
  });

  it("follows .github/leakguard.yml over the org's defaults: issues elsewhere, labels, assignees, threshold", async () => {
    const world = await createWorld();
    const app = await world.start();
    world.gh.state.addRepo({ owner: "acme", name: ".github", files: { ".github/leakguard.yml": "issues:\n  repository: acme/security\n  labels: [security]\ncheck:\n  fail_on: critical\n" } });
    world.gh.state.addRepo({ owner: "acme", name: "security", private: true });
    const repo = world.addRepo("site");
    repo.record.files.set(".github/leakguard.yml", "issues:\n  assignees: [octocat]\ncheck:\n  fail_on: medium\n");
    const key = fakeKey("sk", "test");
    repo.work.commit("test key", { "src/checkout.ts": `const k = "${key}";\n` });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);

    expect(world.gh.state.issuesOf(repo.fullName)).toEqual([]);
    const [issue] = world.gh.state.issuesOf("acme/security");
    expect(issue!.labels.sort()).toEqual(["leaked-secret", "security"]);
    expect(issue!.assignees).toEqual(["octocat"]);
    expect(issue!.body).toContain("test-mode secret key");
    expect(issue!.body).toContain("in acme/site");
    expect(world.gh.state.checkRunsOf(repo.fullName)[0]!.conclusion).toBe("failure"); // medium >= fail_on medium
    world.gh.expectNoViolations();
  });
});
