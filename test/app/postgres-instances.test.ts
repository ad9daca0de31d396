import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import type { AppProcess } from "../helpers/app-process.js";
import { startAppProcess } from "../helpers/app-process.js";
import { FAULTS } from "../helpers/github-double/index.js";
import { fakeKey } from "../helpers/keys.js";
import { tempDir } from "../helpers/repo.js";
import type { World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, instanceEnv, expectKeyNowhere, settle } from "./harness.js";

// Several app instances on one PostgreSQL: they share one queue, run different
// repositories in parallel and never one repository twice at once, and when one dies
// holding a job the others finish it, creating nothing twice.

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

async function startInstance(world: World, leaseSeconds: number, env: Record<string, string> = {}): Promise<AppProcess> {
  const instance = await startAppProcess(
    buildCli(),
    instanceEnv(world, { LEAKGUARD_DATA_DIR: tempDir("leakguard-instance-"), LEAKGUARD_INSTANCE_LEASE_SECONDS: String(leaseSeconds), ...env }),
  );
  children.push(instance.proc);
  return instance;
}

describe("several app instances on one PostgreSQL", { timeout: E2E_TIMEOUT }, () => {
  it("shares the queue: pushes to any instance are processed once each", async () => {
    const world = await createWorld({ store: "postgres" });
    const a = await world.start();
    const b = await world.start();
    const repos = ["one", "two", "three"].map((n) => world.addRepo(n));
    const pushes: { fullName: string; after: string; key: string }[] = [];
    for (const [i, repo] of repos.entries()) {
      const key = fakeKey();
      repo.work.commit("leak", { "config.js": `module.exports = "${key}";\n` });
      const push = repo.push();
      // Alternate the instance that acknowledges; either may run the job.
      expect((await world.deliver(i % 2 ? a : b, "push", repo.pushPayload(push))).status).toBe(202);
      repo.work.commit("clean", { "README.md": `${i}\n` });
      const clean = repo.push();
      expect((await world.deliver(i % 2 ? b : a, "push", repo.pushPayload(clean))).status).toBe(202);
      pushes.push({ fullName: repo.fullName, after: push.after, key });
    }
    await Promise.all([settle(a), settle(b)]);
    await Promise.all([settle(a), settle(b)]);
    for (const p of pushes) {
      const runs = world.gh.state.checkRunsOf(p.fullName);
      expect(runs).toHaveLength(2);
      expect(runs.find((r) => r.head_sha === p.after)?.conclusion).toBe("failure");
      expect(world.gh.state.issuesOf(p.fullName)).toHaveLength(1);
      expectKeyNowhere(world, p.key);
    }
    expect(await a.store.unfinished()).toBe(0);
    world.gh.expectNoViolations();
    await a.close();
    await b.close();
  });

  it("leaves what a receiver (LEAKGUARD_WORKERS=0) acknowledged to the instances that run jobs", async () => {
    const world = await createWorld({ store: "postgres" });
    const receiver = await startInstance(world, 60, { LEAKGUARD_WORKERS: "0" });
    expect(receiver.logs.some((l) => l.includes('"leakguard app listening"') && l.includes('"workers":0'))).toBe(true);
    const repo = world.addRepo("shop");
    const key = fakeKey();
    repo.work.commit("leak", { "server.js": `stripe("${key}")\n` });
    const push = repo.push();
    const { status, id } = await world.deliver({ url: receiver.url } as never, "push", repo.pushPayload(push));
    expect(status).toBe(202);

    // Queued, durably, and not taken: the receiver starts no job (a job would ask GitHub about the repository).
    const worker = await world.start({ processDeliveries: false });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await worker.store.deliveryState(id)).toBe("pending");
    expect(world.gh.requests.filter((r) => r.path.startsWith("/repos/acme/shop/"))).toEqual([]);
    await worker.close();

    const runner = await world.start();
    await settle(runner);
    expect(await runner.store.deliveryState(id)).toBe("done");
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => [r.head_sha, r.conclusion])).toEqual([[push.after, "failure"]]);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    expect(receiver.logs.join("\n")).not.toContain(key);
    expectKeyNowhere(world, key);
    await runner.close();
    await receiver.stop();
  });

  it("finishes the job of an instance killed while it held it, and creates nothing twice", async () => {
    const world = await createWorld({ store: "postgres" });
    world.config.instanceLeaseMs = 3_000;
    const repo = world.addRepo("shop");
    const key = fakeKey();
    repo.work.commit("leak", { "server.js": `stripe("${key}")\n` });
    const push = repo.push();

    const doomed = await startInstance(world, 3);
    // GitHub answers the doomed instance's first look at the repository slowly: it is
    // holding the job (locked in the queue) when it dies.
    world.gh.failNext({ method: "GET", path: /\/repos\/acme\/shop\//, ...FAULTS.slow(60_000) });
    const delivered = await fetch(`${doomed.url}/healthz`).then((r) => r.status);
    expect(delivered).toBe(200);
    const { status, id } = await world.deliver({ url: doomed.url } as never, "push", repo.pushPayload(push));
    expect(status).toBe(202);

    const db = new pg.Client({ connectionString: world.config.databaseUrl! });
    await db.connect();
    for (let i = 0; i < 400; i++) {
      const { rows } = await db.query("SELECT locked_by FROM graphile_worker.jobs WHERE locked_by IS NOT NULL");
      if (rows.length && world.gh.requests.some((r) => r.path.startsWith("/repos/acme/shop/"))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_by IS NOT NULL")).rows[0].n).toBe(1);
    doomed.proc.kill("SIGKILL");
    await new Promise((r) => doomed.proc.once("exit", r));
    await db.end();

    const survivor = await world.start();
    await settle(survivor);
    expect(await survivor.store.deliveryState(id)).toBe("done");
    const runs = world.gh.state.checkRunsOf(repo.fullName).filter((r) => r.head_sha === push.after);
    expect(runs.map((r) => r.conclusion)).toEqual(["failure"]);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    expect(world.logs.some((l) => l.includes("took over the jobs of instances"))).toBe(true);
    expect(doomed.logs.join("\n")).not.toContain(key);
    expectKeyNowhere(world, key);
    await survivor.close();
  });
});
