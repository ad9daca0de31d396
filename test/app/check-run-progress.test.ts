import { describe, expect, it } from "vitest";
import { FAULTS } from "../helpers/github-double/index.js";
import { fakeKey } from "../helpers/keys.js";
import { createWorld, E2E_TIMEOUT, settle } from "./harness.js";

// A job shows an in_progress check run while it works (here from its first moment:
// inProgressAfterMs 0; in production after 2 s, so that quick jobs spend one write, not
// two) and completes that same run; a retried job keeps it.

function checkRunWrites(world: Awaited<ReturnType<typeof createWorld>>, fullName: string) {
  return world.gh.requests
    .filter((r) => r.path.startsWith(`/repos/${fullName}/check-runs`) && r.method !== "GET" && r.status < 300)
    .map((r) => {
      const b = JSON.parse(r.rawBody) as { status?: string; conclusion?: string };
      return [r.method, b.status ?? null, b.conclusion ?? null];
    });
}

describe("the check run of a job", { timeout: E2E_TIMEOUT }, () => {
  it("is in_progress while the job runs, then completed with the result, one run", async () => {
    const world = await createWorld();
    const app = await world.start({ inProgressAfterMs: 0 });
    const repo = world.addRepo("shop");
    repo.work.commit("leak", { "server.js": `stripe("${fakeKey()}")\n` });
    const push = repo.push();
    const { id } = await world.deliver(app, "push", repo.pushPayload(push));
    await settle(app);
    expect(checkRunWrites(world, repo.fullName)).toEqual([
      ["POST", "in_progress", null],
      ["PATCH", "completed", "failure"],
    ]);
    const runs = world.gh.state.checkRunsOf(repo.fullName);
    expect(runs.map((r) => [r.head_sha, r.status, r.conclusion, r.external_id])).toEqual([[push.after, "completed", "failure", id]]);
    expect(runs[0]!.output.annotations.map((a) => a.path)).toEqual(["server.js"]);
    world.gh.expectNoViolations();
    await app.close();
  });

  it("is kept by a retried job: the retry completes the run the first attempt started", async () => {
    const world = await createWorld();
    const app = await world.start({ inProgressAfterMs: 0 });
    const repo = world.addRepo("shop");
    repo.work.commit("leak", { "server.js": `stripe("${fakeKey()}")\n` });
    const push = repo.push();
    // GitHub refuses the completion longer than the client retries: the delivery goes back to the queue.
    world.gh.failNext({ ...FAULTS.serverError(503), method: "PATCH", path: "/repos/{owner}/{repo}/check-runs/{check_run_id}", times: 4 });
    const { id } = await world.deliver(app, "push", repo.pushPayload(push));
    for (let i = 0; i < 400 && (await app.store.deliveryState(id)) !== "done"; i++) {
      await settle(app);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await app.store.deliveryState(id)).toBe("done");
    expect(world.logs.some((l) => l.includes("will retry"))).toBe(true);
    expect(checkRunWrites(world, repo.fullName)).toEqual([
      ["POST", "in_progress", null],
      ["PATCH", "completed", "failure"],
    ]);
    const runs = world.gh.state.checkRunsOf(repo.fullName);
    expect(runs.map((r) => [r.status, r.conclusion, r.external_id])).toEqual([["completed", "failure", id]]);
    // Annotations accumulate on GitHub: the retry did not send them twice.
    expect(runs[0]!.output.annotations).toHaveLength(1);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    world.gh.expectNoViolations();
    await app.close();
  });

  it("goes straight to a completed run when the job is done before the in_progress delay", async () => {
    const world = await createWorld();
    const app = await world.start({ inProgressAfterMs: 60_000 });
    const repo = world.addRepo("quick");
    repo.work.commit("init", { "a.txt": "a\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    expect(checkRunWrites(world, repo.fullName)).toEqual([["POST", "completed", "success"]]);
    await app.close();
  });
});
