import { describe, expect, it } from "vitest";
import { FAULTS } from "../helpers/github-double/index.js";
import { fakeKey } from "../helpers/keys.js";
import { createWorld, expectKeyNowhere, settle } from "./harness.js";
import { E2E_TIMEOUT, STORE_KINDS } from "./harness.js";

describe("the app under failure", { timeout: E2E_TIMEOUT }, () => {
  it.each(STORE_KINDS)("loses nothing when it stops between acknowledging a delivery and processing it (%s store)", async (store) => {
    const world = await createWorld({ store });
    const repo = world.addRepo("shop");
    const key = fakeKey();
    repo.work.commit("leak", { "server.js": `stripe("${key}")\n` });
    const push = repo.push();

    const first = await world.start({ processDeliveries: false });
    const { status, id } = await world.deliver(first, "push", repo.pushPayload(push));
    expect(status).toBe(202);
    await first.close(); // acknowledged, durably queued, not processed
    expect(world.gh.state.checkRunsOf(repo.fullName)).toEqual([]);

    const second = await world.start();
    await settle(second);
    expect(await second.store.deliveryState(id)).toBe("done");
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => [r.head_sha, r.conclusion])).toEqual([[push.after, "failure"]]);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    expect(world.logs.some((l) => l.includes("resuming deliveries"))).toBe(false); // it was pending, not running
    expectKeyNowhere(world, key);
    await second.close();
  });

  it("retries GitHub's 5xx answers and rate limits, and renews an expired installation token", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("shop");
    repo.work.commit("init", { "a.txt": "a\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);

    const key = fakeKey();
    repo.work.commit("leak", { "server.js": `stripe("${key}")\n` });
    world.gh.failNext({ ...FAULTS.serverError(502), method: "POST", path: "/repos/{owner}/{repo}/issues", times: 2 });
    world.gh.failNext({ ...FAULTS.secondaryRateLimit(1), method: "POST", path: "/repos/{owner}/{repo}/check-runs" });
    world.gh.expireTokens(); // the cached token is now refused, by the API and by git
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);

    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => r.conclusion)).toEqual(["success", "failure"]);
    const issueCalls = world.gh.requests.filter((r) => r.method === "POST" && r.template === "/repos/{owner}/{repo}/issues").map((r) => r.status);
    expect(issueCalls).toEqual([502, 502, 201]);
    expect(world.gh.requests.filter((r) => r.template === "/app/installations/{installation_id}/access_tokens")).toHaveLength(2);
    expect(world.git.requests.at(-1)?.authorization).not.toBe(world.git.requests[0]?.authorization); // git got the new token too
    world.gh.expectNoViolations();
  });

  it("creates nothing twice when GitHub applied a create but answered 502, or the connection dropped after it", async () => {
    const world = await createWorld();
    const app = await world.start({ inProgressAfterMs: 600_000 });
    const repo = world.addRepo("shop");
    const key = fakeKey();
    repo.work.commit("leak", { "server.js": `stripe("${key}")\n` });
    world.gh.failNext({ ...FAULTS.appliedThenServerError(502), method: "POST", path: "/repos/{owner}/{repo}/issues" });
    world.gh.failNext({ ...FAULTS.appliedThenServerError(502), drop: true, method: "POST", path: "/repos/{owner}/{repo}/check-runs" });
    const push = repo.push();
    const { id } = await world.deliver(app, "push", repo.pushPayload(push));
    await settle(app);

    expect(await app.store.deliveryState(id)).toBe("done");
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => [r.head_sha, r.status, r.conclusion])).toEqual([[push.after, "completed", "failure"]]);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    // Each create was sent once: what followed the lost answer was a look-up, not a second create.
    const creates = world.gh.requests.filter((r) => r.method === "POST" && (r.template === "/repos/{owner}/{repo}/issues" || r.template === "/repos/{owner}/{repo}/check-runs"));
    expect(creates.map((r) => r.status).sort()).toEqual([0, 502]);
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });

  it("posts a comment once when GitHub applied it but the connection dropped before the answer", async () => {
    const world = await createWorld();
    const app = await world.start({ inProgressAfterMs: 600_000 });
    const repo = world.addRepo("shop");
    const key = fakeKey();
    repo.work.commit("leak", { "server.js": `stripe("${key}")\n` });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    const [issue] = world.gh.state.issuesOf(repo.fullName);
    expect(issue).toBeDefined();

    // The same key pushed again: a comment on the incident, whose answer is lost after GitHub made it.
    world.gh.failNext({ ...FAULTS.appliedThenServerError(502), drop: true, method: "POST", path: "/repos/{owner}/{repo}/issues/{issue_number}/comments" });
    repo.work.commit("again", { "copy.js": `stripe("${key}")\n` });
    const { id } = await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);

    expect(await app.store.deliveryState(id)).toBe("done");
    expect(world.gh.state.commentsOn(repo.fullName, issue!.number).map((c) => c.body)).toEqual([expect.stringContaining("The same key")]);
    const posts = world.gh.requests.filter((r) => r.method === "POST" && r.template === "/repos/{owner}/{repo}/issues/{issue_number}/comments");
    expect(posts.map((r) => r.status)).toEqual([0]);
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });

  it("stops a scan that exceeds its budget and says so in a neutral check run", async () => {
    const world = await createWorld();
    const app = await world.start({ scanBudgetMs: 0 }); // every scan is over budget
    const repo = world.addRepo("huge");
    repo.work.commit("init", { "a.txt": "a\n" });
    const push = repo.push();
    const { id } = await world.deliver(app, "push", repo.pushPayload(push));
    await settle(app);
    const [run] = world.gh.state.checkRunsOf(repo.fullName);
    expect(run).toMatchObject({ head_sha: push.after, conclusion: "neutral" });
    expect(run!.output.summary).toContain("too large to scan within 1 minute");
    expect(await app.store.deliveryState(id)).toBe("done");
  });

  it("puts a delivery back when GitHub stays down longer than the client retries, and the retry repeats nothing", async () => {
    const world = await createWorld();
    // The completed run is the request GitHub fails here: no in_progress run (of a job slowed
    // by a loaded machine) may take the failures in its place.
    const app = await world.start({ inProgressAfterMs: 600_000 });
    const repo = world.addRepo("shop");
    repo.work.commit("init", { "a.txt": "a\n", "server.js": `stripe("${fakeKey()}")\n` });
    world.gh.failNext({ ...FAULTS.serverError(503), path: "/repos/{owner}/{repo}/check-runs", times: 4 });
    const { id } = await world.deliver(app, "push", repo.pushPayload(repo.push()));
    for (let i = 0; i < 200 && (await app.store.deliveryState(id)) !== "done"; i++) {
      await new Promise((r) => setTimeout(r, 25));
      await settle(app);
    }
    expect(await app.store.deliveryState(id)).toBe("done");
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => r.conclusion)).toEqual(["failure"]);
    expect(world.logs.some((l) => l.includes("will retry"))).toBe(true);
    // The first attempt opened the issue before GitHub failed; the second did not open or comment again.
    const issues = world.gh.state.issuesOf(repo.fullName);
    expect(issues).toHaveLength(1);
    expect(world.gh.state.commentsOn(repo.fullName, issues[0]!.number)).toEqual([]);
  });
});
