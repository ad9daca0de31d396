import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/start-app.js";
import { FAULTS } from "../helpers/github-double/index.js";
import type { RepoRecord } from "../helpers/github-double/index.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { ServedRepo, World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, settle } from "./harness.js";

// Issue 9, item 4: whoever can write a default branch must not be able to send a repository's
// incidents into public, to another owner, or nowhere (which used to mean: no check run at all).

let world: World;
let app: RunningApp;
let org: RepoRecord;

beforeAll(async () => {
  world = await createWorld();
  // The check-run requests are read one by one below: no in_progress run (of a job slowed by
  // a loaded machine) may come between them; check-run-progress.test.ts covers that run.
  app = await world.start({ inProgressAfterMs: 600_000 });
  org = world.gh.state.addRepo({ owner: "acme", name: ".github" });
});

function route(to: string): void {
  org.files.set(".github/leakguard.yml", `issues:\n  repository: ${to}\n`);
}

/** A repository with one push that leaks a key; returns the check run of that push. */
async function leak(repo: ServedRepo) {
  const key = fakeKey();
  repo.work.commit("pay", { "pay.js": `stripe("${key}")\n` });
  const push = repo.push();
  await world.deliver(app, "push", repo.pushPayload(push));
  await settle(app);
  const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after);
  return { key, run: run! };
}

const issueCreatesIn = (fullName: string) =>
  world.gh.requests.filter((r) => r.method === "POST" && r.path.toLowerCase() === `/repos/${fullName.toLowerCase()}/issues`);

describe("where incidents may go", { timeout: E2E_TIMEOUT }, () => {
  it("refuses a public repository for a private source: the incident stays private, the check run says why", async () => {
    world.gh.state.addRepo({ owner: "acme", name: "public-notes", private: false });
    route("acme/public-notes");
    const repo = world.addRepo("billing", { private: true });
    const { key, run } = await leak(repo);

    expect(issueCreatesIn("acme/public-notes")).toEqual([]);
    const [issue] = world.gh.state.issuesOf(repo.fullName);
    expect(issue!.title).toContain(redacted(key));
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("Configuration problem: `issues.repository` `acme/public-notes` is public and acme/billing is private");
    expect(run.output.summary).toContain("incidents are filed in acme/billing instead");
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });

  it("accepts a private repository of the same owner for a private source", async () => {
    world.gh.state.addRepo({ owner: "acme", name: "security", private: true });
    route("acme/security");
    const repo = world.addRepo("ledger", { private: true });
    const { run } = await leak(repo);
    expect(world.gh.state.issuesOf(repo.fullName)).toEqual([]);
    expect(world.gh.state.issuesOf("acme/security").map((i) => i.body)).toEqual([expect.stringContaining("in acme/ledger")]);
    expect(run.output.summary).not.toContain("Configuration problem");
  });

  it("refuses a repository of another owner, even one the installation can reach", async () => {
    world.gh.state.addRepo({ owner: "evil", name: "sink", private: true, installationId: world.installationId });
    route("evil/sink");
    const repo = world.addRepo("shop", { private: true });
    const { run } = await leak(repo);
    expect(world.gh.state.issuesOf("evil/sink")).toEqual([]);
    expect(world.gh.requests.filter((r) => r.path.toLowerCase().startsWith("/repos/evil/"))).toEqual([]);
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    expect(run.output.summary).toContain("`evil/sink` belongs to another owner than acme/shop");
  });

  it("still publishes the check run, and files the incident at home, when the target does not exist", async () => {
    route("acme/does-not-exist");
    const repo = world.addRepo("web", { private: true });
    const { key, run } = await leak(repo);
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output.summary).toContain("`acme/does-not-exist` does not exist, or leakguard is not installed on it");
    expect(world.gh.state.issuesOf(repo.fullName).map((i) => i.title)).toEqual([expect.stringContaining(redacted(key))]);
    const delivery = world.gh.requests.filter((r) => r.template === "/repos/{owner}/{repo}" && r.path === "/repos/acme/does-not-exist");
    expect(delivery.map((r) => r.status)).toEqual([404]);
  });

  it("ignores issues.repository in a repository's own file: only the owner's .github routes", async () => {
    org.files.delete(".github/leakguard.yml");
    world.gh.state.addRepo({ owner: "acme", name: "quiet", private: true });
    const repo = world.addRepo("app", { private: true });
    repo.record.files.set(".github/leakguard.yml", "issues:\n  repository: acme/quiet\n  labels: [p1]\n");
    const { run } = await leak(repo);
    expect(world.gh.state.issuesOf("acme/quiet")).toEqual([]);
    const [issue] = world.gh.state.issuesOf(repo.fullName);
    expect(issue!.labels.sort()).toEqual(["leaked-secret", "p1"]); // the rest of the file still applies
    expect(run.output.summary).toContain("`issues.repository` is only read from `acme/.github`");
  });

  it("publishes the check run when the incident issue cannot be opened, and says so on it", async () => {
    const repo = world.addRepo("no-issues", { private: true });
    repo.record.has_issues = false; // GitHub answers 410 to every issue call
    const { key, run } = await leak(repo);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/\*\*Incident issues could not be fully updated:\*\* .*\(GitHub answered 410\)\./);
    expect(run.output.annotations.map((a) => a.path)).toEqual(["pay.js"]);
    expect(await app.store.openIncidents(repo.fullName)).toEqual([]);
    expectKeyNowhere(world, key);
  });

  it("publishes the check run when the configuration cannot be read, files nothing blind, and files the incident on the retry", async () => {
    org.files.delete(".github/leakguard.yml");
    const repo = world.addRepo("flaky", { private: true });
    repo.work.commit("init", { "a.txt": "a\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    // The client's own retries (3) all fail: GitHub stays down for this job's first config read.
    world.gh.failNext({ ...FAULTS.serverError(502), method: "GET", path: "/repos/{owner}/{repo}/contents/{path}", times: 4 });
    const { run } = await leak(repo);
    const runs = world.gh.state.checkRunsOf(repo.fullName).filter((r) => r.head_sha === run.head_sha);
    // The retry completes the check run of the first attempt again (found by external_id) rather than adding one.
    expect(runs.map((r) => r.conclusion)).toEqual(["failure"]);
    const [firstTry, retry] = world.gh.requests
      .filter((r) => r.path.startsWith(`/repos/${repo.fullName}/check-runs`) && r.method !== "GET")
      .slice(-2)
      .map((r) => [r.method, (JSON.parse(r.rawBody) as { output: { summary: string } }).output.summary] as const);
    expect(firstTry![0]).toBe("POST");
    expect(firstTry![1]).toContain("**The configuration could not be read, so no incident issue was touched:**");
    expect(firstTry![1]).toContain("(GitHub answered 502). leakguard will try again.");
    expect(retry![0]).toBe("PATCH");
    expect(retry![1]).not.toContain("could not be read");
    expect(runs[0]!.output.summary).not.toContain("could not be read");
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    world.gh.expectNoViolations();
  });
});
