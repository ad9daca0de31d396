import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import type { AppProcess } from "../helpers/app-process.js";
import { startAppProcess } from "../helpers/app-process.js";
import { FAULTS } from "../helpers/github-double/index.js";
import type { RecordedRequest } from "../helpers/github-double/index.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { StoreKind, World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, instanceEnv, expectKeyNowhere, STORE_KINDS } from "./harness.js";

// Exactly once, as GitHub sees it: the app is killed (SIGKILL, a real process) while GitHub
// is creating an incident issue, a check run or the replacement alarm; GitHub goes on and
// creates it. The restarted app must find what the dead one made (the issue's marker, the
// check run's external_id, the comment's marker) and create nothing twice, skip nothing.

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

async function startInstance(world: World): Promise<AppProcess> {
  // The same data dir (and database) as the one killed: a restart of the same instance.
  const env = instanceEnv(world);
  const instance = await startAppProcess(buildCli(), env);
  children.push(instance.proc);
  return instance;
}

async function until(what: string, ok: () => boolean, ms = 90_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const inFlight = (world: World, method: string, template: string) => () =>
  world.gh.requests.some((r: RecordedRequest) => r.method === method && r.template === template && r.status === 0);

/** The leak of a first key in .env, then its replacement in .env.production: the second push is the one the app dies in. */
async function replacementWorld(store: StoreKind) {
  const world = await createWorld({ store });
  const repo = world.addRepo("shop");
  const first = fakeKey();
  repo.work.commit("config", { ".env": `STRIPE_SECRET_KEY=${first}\n` });
  const firstPush = repo.push();
  const replacement = fakeKey();
  repo.work.commit("rotate key", { ".env": null, ".env.production": `STRIPE_SECRET_KEY=${replacement}\n` });
  return { world, repo, first, firstPush, replacement };
}

async function killDuring(world: World, instance: AppProcess, method: string, template: string): Promise<void> {
  await until(`${method} ${template} is in flight`, inFlight(world, method, template));
  instance.proc.kill("SIGKILL");
  await new Promise((r) => instance.proc.once("exit", r));
}

describe("a crash while GitHub creates something", { timeout: E2E_TIMEOUT }, () => {
  for (const store of STORE_KINDS) {
    for (const [moment, method, template] of [
      ["the replacement's incident issue", "POST", "/repos/{owner}/{repo}/issues"],
      ["the check run", "POST", "/repos/{owner}/{repo}/check-runs"],
      ["the replacement alarm comment", "POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
    ] as const) {
      it(`creates nothing twice and skips nothing when killed while GitHub creates ${moment} (${store} store)`, async () => {
        const { world, repo, first, firstPush, replacement } = await replacementWorld(store);
        const one = await startInstance(world);
        await world.deliver({ url: one.url } as never, "push", repo.pushPayload(firstPush));
        await until("the first key's check run is completed", () => world.gh.state.checkRunsOf(repo.fullName).some((r) => r.status === "completed"));
        const [firstIssue] = world.gh.state.issuesOf(repo.fullName);
        expect(firstIssue).toBeDefined();

        // GitHub takes 1 s over it, and creates it all the same after the app is gone. The
        // kill lands inside that second whatever the load: the double's answer and the
        // 50 ms poll that kills are timers of this one event loop, and the poll's is due first.
        world.gh.failNext({ method, path: template, ...FAULTS.slow(1_000) });
        const push = repo.push();
        const { id } = await world.deliver({ url: one.url } as never, "push", repo.pushPayload(push));
        await killDuring(world, one, method, template);
        await until("GitHub finished the request the dead app made", () => !inFlight(world, method, template)());

        const two = await startInstance(world);
        // Done as the store records it: the dead app's own request may already have left a
        // completed check run on GitHub, so GitHub's side says nothing about the retry.
        const queue = await world.start({ processDeliveries: false });
        for (const end = Date.now() + 90_000; (await queue.store.deliveryState(id)) !== "done"; ) {
          if (Date.now() > end) throw new Error("timed out waiting until the replacement push's delivery is done");
          await new Promise((r) => setTimeout(r, 100));
        }
        await two.stop();
        await queue.close();

        const issues = world.gh.state.issuesOf(repo.fullName);
        expect(issues.map((i) => i.title)).toEqual([firstIssue!.title, expect.stringContaining(redacted(replacement))]);
        const runs = world.gh.state.checkRunsOf(repo.fullName).filter((r) => r.head_sha === push.after);
        expect(runs.map((r) => [r.status, r.conclusion, r.external_id])).toEqual([["completed", "failure", id]]);
        expect(runs[0]!.output.summary).toContain("Replacement key exposed");
        const alarms = world.gh.state.commentsOn(repo.fullName, firstIssue!.number).filter((c) => c.body.includes("The replacement key leaked the same way"));
        expect(alarms).toHaveLength(1);
        expect(alarms[0]!.body).toContain(redacted(replacement));
        expect(world.gh.state.commentsOn(repo.fullName, issues[1]!.number)).toEqual([]);
        expectKeyNowhere(world, first);
        expectKeyNowhere(world, replacement);
        world.gh.expectNoViolations();
      });
    }
  }
});
