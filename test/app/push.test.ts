import { beforeAll, describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { ServedRepo, World } from "./harness.js";
import { E2E_TIMEOUT, STORE_KINDS } from "./harness.js";
import { createWorld, expectKeyNowhere, settle } from "./harness.js";
import type { RunningApp } from "../../src/app/start-app.js";

describe.each(STORE_KINDS)("the app on a push (%s store)", { timeout: E2E_TIMEOUT }, (store) => {
  let world: World;
  let app: RunningApp;
  let repo: ServedRepo;

  beforeAll(async () => {
    world = await createWorld({ store });
    app = await world.start();
    repo = world.addRepo("shop");
    repo.work.commit("init", { "README.md": "shop\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
  });

  it("passes a clean push with a successful check run and no issue", async () => {
    repo.work.commit("docs", { "docs/setup.md": "Set STRIPE_SECRET_KEY in your host's settings (sk_live_...).\n" });
    const push = repo.push();
    await world.deliver(app, "push", repo.pushPayload(push));
    await settle(app);
    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after)!;
    expect(run).toMatchObject({ name: "leakguard", status: "completed", conclusion: "success" });
    expect(run.output.annotations).toEqual([]);
    expect(world.gh.state.issuesOf(repo.fullName)).toEqual([]);
    world.gh.expectNoViolations();
  });

  it("fails the check, annotates the line and opens one rotation issue for a leaked key", async () => {
    const key = fakeKey();
    const leak = repo.work.commit("add payments", { "src/pay.js": `const stripe = require("stripe")("${key}");\n` });
    repo.work.commit(`also in a message ${key}`, { "src/pay2.js": `module.exports = "${key}";\n` });
    const push = repo.push();
    // GitHub's payload carries commit messages: the stored delivery must not keep the key.
    const payload = { ...repo.pushPayload(push), head_commit: { ...(repo.pushPayload(push)["head_commit"] as object), message: `also in a message ${key}` } };
    const res = await world.deliver(app, "push", payload);
    expect(res.status).toBe(202);
    await settle(app);

    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after)!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.annotations.map((a) => [a.path, a.start_line, a.annotation_level])).toEqual([
      ["src/pay.js", 1, "failure"],
      ["src/pay2.js", 1, "failure"],
    ]);
    expect(run.output.annotations[0]!.message).toContain(redacted(key));
    const issues = world.gh.state.issuesOf(repo.fullName);
    expect(issues).toHaveLength(1); // one key, one issue, however many places hold it
    expect(issues[0]!.labels).toContain("leaked-secret");
    expect(issues[0]!.title).toBe(`Leaked Stripe live secret key ${redacted(key)} in src/pay.js`);
    expect(issues[0]!.body).toContain(`/commit/${leak}`);
    expect(issues[0]!.body).toContain("**This repository is public.**");
    expect(issues[0]!.body).toContain("(branch main)");
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });

  it("scans a new branch against what the repository already had", async () => {
    const key = fakeKey("sk", "live");
    repo.work.git("checkout", "-q", "-b", "feature");
    const leak = repo.work.commit("feature with key", { "web/.env.local": `VITE_STRIPE_KEY=${key}\n` });
    const push = repo.push("feature");
    expect(push.before).toBe("0".repeat(40));
    await world.deliver(app, "push", repo.pushPayload(push));
    await settle(app);
    repo.work.git("checkout", "-q", "main");
    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after)!;
    expect(run.conclusion).toBe("failure");
    // Only the branch's own commit: the older leak on main is not reported again.
    expect(run.output.annotations.map((a) => a.path)).toEqual(["web/.env.local", "web/.env.local"]);
    const issue = world.gh.state.issuesOf(repo.fullName).find((i) => i.title.includes(redacted(key)))!;
    expect(issue.body).toContain("(branch feature)");
    expect(issue.body).toContain(`/commit/${leak}`);
    expect(issue.body).toContain("`VITE_`");
  });

  it("does nothing twice for a redelivery of the same X-GitHub-Delivery", async () => {
    repo.work.commit("more", { "b.txt": "b\n" });
    const payload = repo.pushPayload(repo.push());
    const first = await world.deliver(app, "push", payload);
    await settle(app);
    const runs = world.gh.state.checkRunsOf(repo.fullName).length;
    const again = await world.deliver(app, "push", payload, { id: first.id });
    await settle(app);
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(world.gh.state.checkRunsOf(repo.fullName)).toHaveLength(runs);
    expect(await app.store.deliveryState(first.id)).toBe("done");
  });

  it("answers 400 to a bad signature or a missing header and queues nothing", async () => {
    const payload = repo.pushPayload(repo.push());
    const forged = await world.deliver(app, "push", payload, { signWith: "not-the-secret" });
    expect(forged.status).toBe(400);
    expect(await app.store.deliveryState(forged.id)).toBeNull();
    const res = await fetch(`${app.url}/api/github/webhooks`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "push" }, body: "{}" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "[leakguard] required header missing: x-hub-signature-256" });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("refuses a body over GitHub's 25 MB cap with 413", async () => {
    const res = await fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "big", "x-hub-signature-256": "sha256=00" },
      body: `{"x":"${"a".repeat(26 * 1024 * 1024)}"}`,
    });
    expect(res.status).toBe(413);
    expect(await app.store.deliveryState("big")).toBeNull();
  });

  it("logs a malformed payload as a failed delivery and keeps serving", async () => {
    const bad = await world.deliver(app, "push", { ref: "refs/heads/main", repository: { full_name: "acme/shop" } });
    expect(bad.status).toBe(202);
    await settle(app);
    expect(await app.store.deliveryState(bad.id)).toBe("failed");
    expect(world.logs.some((l) => l.includes("malformed push payload"))).toBe(true);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("ends in a neutral check run with the reason when the repository cannot be fetched", async () => {
    const broken = world.addRepo("gone");
    broken.work.commit("init", { "a.txt": "a\n" });
    const push = broken.push();
    broken.record.clone_url = `${world.git.url}/acme/does-not-exist.git`;
    await world.deliver(app, "push", { ...broken.pushPayload(push), repository: { ...(broken.pushPayload(push)["repository"] as object), clone_url: broken.record.clone_url } });
    await settle(app);
    const run = world.gh.state.checkRunsOf(broken.fullName)[0]!;
    expect(run.conclusion).toBe("neutral");
    expect(run.head_sha).toBe(push.after);
    expect(run.output.summary).toMatch(/could not fetch acme\/gone/);
  });
});
