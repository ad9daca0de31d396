import { describe, expect, it } from "vitest";
import { fakeKey } from "../helpers/keys.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, installationPayload, settle, STORE_KINDS } from "./harness.js";

// An installation event names many repositories: the delivery queues one first-sight job
// per repository (keyed like that repository's pushes), so they are scanned in parallel and
// never beside a push of the same repository; a redelivery queues nothing again.

describe("installation events fan out", { timeout: E2E_TIMEOUT }, () => {
  it.each(STORE_KINDS)("queues one job per repository, each scanned once, a redelivery deduplicated (%s store)", async (store) => {
    const world = await createWorld({ store });
    const repos = ["alpha", "beta", "gamma"].map((n) => world.addRepo(n));
    const keys = repos.map((r, i) => {
      const key = fakeKey();
      r.work.commit("init", { [`k${i}.js`]: `s = "${key}"\n` });
      r.push();
      return key;
    });
    const app = await world.start();
    const payload = installationPayload(world.installationId, repos.map((r) => r.fullName));
    const { id } = await world.deliver(app, "installation", payload);
    await settle(app);
    await settle(app);
    expect(await app.store.deliveryState(id)).toBe("done");
    for (const r of repos) {
      expect(await app.store.deliveryState(`${id}/${r.fullName}`)).toBe("done");
      const runs = world.gh.state.checkRunsOf(r.fullName);
      expect(runs.map((c) => [c.conclusion, c.external_id])).toEqual([["failure", `${id}/${r.fullName}`]]);
      expect(world.gh.state.issuesOf(r.fullName)).toHaveLength(1);
    }
    const jobs = world.logs.map((l) => JSON.parse(l) as { msg?: string; delivery?: string }).filter((l) => l.msg === "delivery processed");
    expect(jobs.map((j) => j.delivery).sort()).toEqual([id, ...repos.map((r) => `${id}/${r.fullName}`)].sort());

    // GitHub redelivers the event (a new delivery id, the same body is a replay: 200); a
    // retried installation job re-queues under the same ids, which are taken.
    expect((await world.deliver(app, "installation", payload)).status).toBe(200);
    for (const r of repos) {
      expect(await app.store.enqueue({ id: `${id}/${r.fullName}`, name: "leakguard.repository_scan", payload: "{}", key: `repo:${r.fullName}` })).toBe(false);
    }
    await settle(app);
    for (const r of repos) expect(world.gh.state.checkRunsOf(r.fullName)).toHaveLength(1);
    keys.forEach((k) => expectKeyNowhere(world, k));
    world.gh.expectNoViolations();
    await app.close();
  });
});
