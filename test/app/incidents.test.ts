import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/start-app.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { World } from "./harness.js";
import { E2E_TIMEOUT } from "./harness.js";
import { createWorld, expectKeyNowhere, settle } from "./harness.js";

// Incidents outlive the push that opened them: every later push re-checks them.

let world: World;
let app: RunningApp;
beforeAll(async () => {
  world = await createWorld();
  app = await world.start();
});

async function leakedDotenv(name: string) {
  const repo = world.addRepo(name);
  repo.work.commit("init", { "README.md": "web\n", "index.js": "require('dotenv').config();\n" });
  await world.deliver(app, "push", repo.pushPayload(repo.push()));
  await settle(app);
  const key = fakeKey();
  repo.work.commit("config", { ".env": `STRIPE_SECRET_KEY=${key}\nAPP_NAME=web\n` });
  await world.deliver(app, "push", repo.pushPayload(repo.push()));
  await settle(app);
  const [issue] = world.gh.state.issuesOf(repo.fullName);
  return { repo, key, issue: issue! };
}

describe("incidents across pushes", { timeout: E2E_TIMEOUT }, () => {
  it("calls out a replacement key that leaks the same way, and fails the check", async () => {
    const { repo, key, issue } = await leakedDotenv("replaced");
    expect(issue.body).toContain("a committed dotenv file");

    // The owner rotates, deletes .env ... and commits the new key in .env.production.
    const replacement = fakeKey();
    repo.work.commit("rotate key", { ".env": null, ".env.production": `STRIPE_SECRET_KEY=${replacement}\n` });
    const push = repo.push();
    await world.deliver(app, "push", repo.pushPayload(push));
    await settle(app);

    const comments = world.gh.state.commentsOn(repo.fullName, issue.number);
    const loud = comments.find((c) => c.body.includes("The replacement key leaked the same way"));
    expect(loud?.body).toContain(redacted(replacement));
    expect(loud?.body).toContain("**the new key is compromised too**");
    const issues = world.gh.state.issuesOf(repo.fullName);
    expect(issues).toHaveLength(2);
    expect(issues[1]!.body).toContain(`This key replaced the one in #${issue.number}`);
    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after)!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/^\*\*Replacement key exposed:\*\*/);
    expectKeyNowhere(world, key);
    expectKeyNowhere(world, replacement);
    world.gh.expectNoViolations();
  });

  it("tracks a proper fix: key out of the tip, .env ignored, then history rewritten", async () => {
    const { repo, key, issue } = await leakedDotenv("fixed");
    expect(issue.body).toContain("| Still in the tip of `main` | ❌ yes |");

    repo.work.commit("stop tracking .env", { ".env": null, ".gitignore": ".env\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    let comments = world.gh.state.commentsOn(repo.fullName, issue.number);
    expect(comments.at(-1)?.body).toContain("The key is no longer in the tip of `main`.");
    expect(comments.at(-1)?.body).toContain("`.env` is now ignored by .gitignore.");
    let body = world.gh.state.issuesOf(repo.fullName)[0]!.body!;
    expect(body).toContain("| Still reachable in the history | ❌ yes |");
    expect(body).toContain("| `.env` ignored by .gitignore | ✅ yes |");

    // History rewritten without the key (what `leakguard scrub` does), then force-pushed.
    repo.work.git("checkout", "-q", "--orphan", "clean");
    repo.work.commit("clean history", {});
    repo.work.git("branch", "-q", "-M", "clean", "main");
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    comments = world.gh.state.commentsOn(repo.fullName, issue.number);
    expect(comments.at(-1)?.body).toContain("The key is no longer reachable from any branch or tag.");
    expect(comments.at(-1)?.body).toContain("The repository side is now clean.");
    body = world.gh.state.issuesOf(repo.fullName)[0]!.body!;
    expect(body).toContain("| Still reachable in the history | ✅ no |");
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);

    // A push that changes nothing about the incident says nothing more.
    const before = comments.length;
    repo.work.commit("unrelated", { "b.txt": "b\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    expect(world.gh.state.commentsOn(repo.fullName, issue.number)).toHaveLength(before);
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });

  it("re-checks without scanning when the only branch holding a key is deleted", async () => {
    const repo = world.addRepo("branchy");
    repo.work.commit("init", { "README.md": "x\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    repo.work.git("checkout", "-q", "-b", "wip");
    const key = fakeKey();
    repo.work.commit("wip", { "pay.js": `k = "${key}"\n` });
    await world.deliver(app, "push", repo.pushPayload(repo.push("wip")));
    await settle(app);
    const [issue] = world.gh.state.issuesOf(repo.fullName);
    expect(issue!.body).toContain("| Still in the tip of `main` | ✅ no |");
    const runs = world.gh.state.checkRunsOf(repo.fullName).length;

    await world.deliver(app, "push", repo.pushPayload(repo.deleteBranch("wip")));
    await settle(app);
    const comments = world.gh.state.commentsOn(repo.fullName, issue!.number);
    expect(comments.map((c) => c.body)).toEqual([expect.stringContaining("The key is no longer reachable from any branch or tag.")]);
    expect(world.gh.state.checkRunsOf(repo.fullName)).toHaveLength(runs);
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });

  it("stops tracking an incident whose issue a person closed", async () => {
    const { repo, issue } = await leakedDotenv("closed");
    issue.state = "closed";
    repo.work.commit("unrelated", { "b.txt": "b\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    expect(await app.store.openIncidents(repo.fullName)).toEqual([]);
    expect(world.gh.state.commentsOn(repo.fullName, issue.number)).toEqual([]);
  });
});
