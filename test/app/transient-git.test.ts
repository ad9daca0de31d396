import { describe, expect, it } from "vitest";
import { fakeKey } from "../helpers/keys.js";
import type { RunningApp } from "../../src/app/start-app.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, settle, STORE_KINDS } from "./harness.js";

// A fetch that fails for a passing reason (GitHub's git answering 503) is retried like an
// API error, with back-off, and the key it carried still gets its issue; only a permanent
// failure, or the last attempt, ends in a neutral check run, which says which it was.

async function finished(app: RunningApp, id: string): Promise<string | null> {
  let state: string | null = null;
  // PostgreSQL's back-off (graphile-worker: e^attempt seconds) puts a retry out of settle()'s sight.
  for (let i = 0; i < 1_200; i++) {
    await settle(app);
    state = await app.store.deliveryState(id);
    if (state === "done" || state === "failed") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return state;
}

describe("transient git failures", { timeout: E2E_TIMEOUT }, () => {
  it.each(STORE_KINDS)("retries a fetch GitHub's git answered 503, and opens the issue (%s store)", async (store) => {
    const world = await createWorld({ store });
    const app = await world.start();
    const repo = world.addRepo("shop");
    const key = fakeKey();
    repo.work.commit("leak", { "server.js": `stripe("${key}")\n` });
    const push = repo.push();
    world.git.failNext({ status: 503, times: 2 });
    const { id } = await world.deliver(app, "push", repo.pushPayload(push));

    expect(await finished(app, id)).toBe("done");
    expect(world.git.requests.filter((r) => r.status === 503)).toHaveLength(2);
    // No neutral check run on the way: one run, the scan's.
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => [r.head_sha, r.conclusion])).toEqual([[push.after, "failure"]]);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    expect(world.logs.some((l) => l.includes("fetch failed for a passing reason") && l.includes("HTTP 503"))).toBe(true);
    expect(world.logs.some((l) => l.includes("will retry"))).toBe(true);
    // A 503 is not a stale token: no token was minted for it.
    expect(world.gh.requests.filter((r) => r.template === "/app/installations/{installation_id}/access_tokens")).toHaveLength(1);
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
    await app.close();
  });

  it("gives up after the last attempt with a neutral check run that calls the failure passing", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("down");
    repo.work.commit("init", { "a.txt": "a\n" });
    const push = repo.push();
    world.git.failNext({ status: 503, times: 1_000 });
    const { id } = await world.deliver(app, "push", repo.pushPayload(push));

    expect(await finished(app, id)).toBe("done");
    expect(world.git.requests.filter((r) => r.status === 503)).toHaveLength(5);
    const [run] = world.gh.state.checkRunsOf(repo.fullName);
    expect(run).toMatchObject({ head_sha: push.after, conclusion: "neutral", external_id: id });
    expect(run!.output.summary).toContain("after 5 attempts, each failing for a passing reason (git's server answered HTTP 503)");
    expect(run!.output.summary).toContain("git fetch failed");
    expect(run!.output.summary).not.toContain("git -c failed");
    await app.close();
  });

  it("ends a permanent failure (the repository is gone) in a neutral check run at once, and says retrying would not help", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("gone");
    repo.work.commit("init", { "a.txt": "a\n" });
    const push = repo.push();
    world.git.failNext({ status: 404, times: 1_000 });
    const { id } = await world.deliver(app, "push", repo.pushPayload(push));

    expect(await finished(app, id)).toBe("done");
    expect(world.git.requests.filter((r) => r.status === 404)).toHaveLength(1);
    const [run] = world.gh.state.checkRunsOf(repo.fullName);
    expect(run).toMatchObject({ head_sha: push.after, conclusion: "neutral" });
    expect(run!.output.summary).toContain("trying again would not help");
    expect(world.logs.some((l) => l.includes("will retry"))).toBe(false);
    await app.close();
  });
});
