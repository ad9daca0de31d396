import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import type { AppProcess } from "../helpers/app-process.js";
import { startAppProcess } from "../helpers/app-process.js";
import { FAULTS } from "../helpers/github-double/index.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { ServedRepo, StoreKind, World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, instanceEnv, expectKeyNowhere, settle, STORE_KINDS } from "./harness.js";

// Pushes of one repository queued behind each other are taken together: the mirror is
// fetched and the configuration read once for all of them, and still every delivery gets
// exactly its own check run with the findings of its own range, and every key one issue.
// A crash in the middle of such a batch loses nothing and duplicates nothing.

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

const CONFIG_READ = "/repos/{owner}/{repo}/contents/{path}";

/** A repository the app already knows, then five pushes queued while no worker runs: the 2nd and 4th carry a key each. */
async function queuedPushes(store: StoreKind) {
  const world = await createWorld({ store });
  const repo = world.addRepo("shop");
  repo.work.commit("init", { "README.md": "shop\n" });
  const warm = await world.start();
  await world.deliver(warm, "push", repo.pushPayload(repo.push()));
  await settle(warm);
  await warm.close();
  /** What reading the configuration costs one push (the repository's file and the organisation's). */
  const configReads = world.gh.requests.filter((r) => r.template === CONFIG_READ).length;
  expect(configReads).toBeGreaterThan(0);

  const keys = [fakeKey(), fakeKey()];
  const pushes: { after: string; id: string; key: string | null }[] = [];
  const door = await world.start({ processDeliveries: false });
  for (let i = 0; i < 5; i++) {
    const key = i === 1 ? keys[0]! : i === 3 ? keys[1]! : null;
    repo.work.commit(`change ${i}`, { [`src/f${i}.js`]: key ? `module.exports = "${key}";\n` : `module.exports = ${i};\n` });
    const push = repo.push();
    const { status, id } = await world.deliver(door, "push", repo.pushPayload(push));
    expect(status).toBe(202);
    pushes.push({ after: push.after, id, key });
  }
  await door.close();
  return { world, repo, keys, pushes, configReads };
}

function expectOneRunEach(world: World, repo: ServedRepo, pushes: { after: string; id: string; key: string | null }[]): void {
  for (const p of pushes) {
    const runs = world.gh.state.checkRunsOf(repo.fullName).filter((r) => r.head_sha === p.after);
    expect(runs.map((r) => [r.status, r.external_id])).toEqual([["completed", p.id]]);
    const run = runs[0]!;
    if (p.key) {
      expect(run.conclusion).toBe("failure");
      expect(run.output.summary).toContain(redacted(p.key));
    } else expect(run.conclusion).toBe("success");
    // Its own range only: no other push's key is on this run.
    for (const other of pushes) if (other.key && other !== p) expect(run.output.summary).not.toContain(redacted(other.key));
  }
}

function expectOneIssueEach(world: World, repo: ServedRepo, keys: string[]): void {
  const issues = world.gh.state.issuesOf(repo.fullName);
  for (const k of keys) expect(issues.filter((i) => String(i.title).includes(redacted(k)))).toHaveLength(1);
  expect(issues).toHaveLength(keys.length);
}

async function until(what: string, ok: () => boolean, ms = 120_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("queued pushes of one repository", { timeout: E2E_TIMEOUT }, () => {
  for (const store of STORE_KINDS) {
    it(`are fetched and configured once, and each gets its own check run with its own findings (${store} store)`, async () => {
      const { world, repo, keys, pushes, configReads } = await queuedPushes(store);
      const readsBefore = world.gh.requests.filter((r) => r.template === CONFIG_READ).length;
      const app = await world.start();
      await settle(app);
      for (const p of pushes) expect(await app.store.deliveryState(p.id)).toBe("done");
      expectOneRunEach(world, repo, pushes);
      expectOneIssueEach(world, repo, keys);
      // One batch: the configuration was read once for the five pushes, as for one.
      expect(world.gh.requests.filter((r) => r.template === CONFIG_READ).length - readsBefore).toBe(configReads);
      for (const k of keys) expectKeyNowhere(world, k);
      world.gh.expectNoViolations();
    });

    it(`loses and duplicates nothing when the instance is killed in the middle of a batch (${store} store)`, async () => {
      const { world, repo, keys, pushes } = await queuedPushes(store);
      const env = instanceEnv(world);
      const start = async (): Promise<AppProcess> => {
        const a = await startAppProcess(buildCli(), env);
        children.push(a.proc);
        return a;
      };
      // GitHub takes its time over each check run: the instance dies while the third is being
      // created. Half a second is time enough: the double's answer and the 50 ms poll that
      // kills are timers of this one event loop, and the poll's is due first, whatever the load.
      world.gh.failNext({ method: "POST", path: "/repos/{owner}/{repo}/check-runs", ...FAULTS.slow(500), times: 20 });
      const from = world.gh.requests.length; // the warm-up push's run is not the batch's
      const completedPosts = () => world.gh.requests.slice(from).filter((r) => r.method === "POST" && r.template === "/repos/{owner}/{repo}/check-runs" && (r.body as { status?: string } | undefined)?.status === "completed");
      const one = await start();
      await until("the third check run of the batch is being created", () => completedPosts().length >= 3 && completedPosts().at(-1)!.status === 0);
      one.proc.kill("SIGKILL");
      await new Promise((r) => one.proc.once("exit", r));
      await until("GitHub finished what the dead app asked", () => !world.gh.requests.some((r) => r.status === 0));
      // Killed mid-batch: some pushes have their completed run (the third made by GitHub after the
      // app died), some not yet. A later push may already show an in_progress run (a job slowed
      // past the in_progress delay on a loaded machine): that is not a result.
      const made = pushes.filter((p) => world.gh.state.checkRunsOf(repo.fullName).some((r) => r.head_sha === p.after && r.status === "completed")).length;
      expect(made).toBeGreaterThanOrEqual(3);
      expect(made).toBeLessThan(pushes.length);

      const two = await start();
      await until("every queued push has a completed check run", () =>
        pushes.every((p) => world.gh.state.checkRunsOf(repo.fullName).some((r) => r.head_sha === p.after && r.status === "completed")),
      );
      await two.stop();
      const queue = await world.start({ processDeliveries: false });
      for (const p of pushes) expect(await queue.store.deliveryState(p.id)).toBe("done");
      await queue.close();
      expectOneRunEach(world, repo, pushes);
      expectOneIssueEach(world, repo, keys);
      for (const k of keys) expectKeyNowhere(world, k);
      world.gh.expectNoViolations();
    });
  }
});
