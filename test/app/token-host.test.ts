import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/start-app.js";
import { fakeKey } from "../helpers/keys.js";
import type { ServedRepo, World } from "./harness.js";
import { E2E_TIMEOUT, createWorld, settle } from "./harness.js";
import type { Recorder } from "./recorder.js";
import { startRecorder } from "./recorder.js";

// Issue 9, item 1: the installation token only ever goes to the configured GitHub. Each
// scenario points the app somewhere else and a recording server proves nothing arrived.

describe("the installation token and the clone URL", { timeout: E2E_TIMEOUT }, () => {
  let world: World;
  let app: RunningApp;
  let recorder: Recorder;

  beforeAll(async () => {
    world = await createWorld();
    app = await world.start();
    recorder = await startRecorder();
  });
  afterAll(() => recorder.close());

  const tokenRequests = (installationId: number) => world.gh.requests.filter((r) => r.method === "POST" && r.path === `/app/installations/${installationId}/access_tokens`);

  function pushWithCloneUrl(repo: ServedRepo, cloneUrl: string): Record<string, unknown> {
    const payload = repo.pushPayload(repo.push());
    return { ...payload, repository: { ...(payload["repository"] as object), clone_url: cloneUrl } };
  }

  it("ignores a payload's clone_url that points at another server and fetches from the API's", async () => {
    const repo = world.addRepo("shop");
    repo.work.commit("leak", { "pay.js": `stripe("${fakeKey()}")\n` });
    const payload = pushWithCloneUrl(repo, `${recorder.url}/acme/shop.git`);
    const { id } = await world.deliver(app, "push", payload);
    await settle(app);
    expect(recorder.requests).toEqual([]);
    expect(await app.store.deliveryState(id)).toBe("done");
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => r.conclusion)).toEqual(["failure"]);
    // The real repository was fetched, with a token.
    expect(world.git.requests.some((r) => r.path.startsWith("/acme/shop.git/") && r.authorization?.startsWith("Basic "))).toBe(true);
  });

  it("refuses a clone URL, even from the API, on a host other than the configured GitHub's", async () => {
    const repo = world.addRepo("elsewhere");
    const head = repo.work.commit("init", { "a.txt": "a\n" });
    // Another name for this machine: a host the app is not configured for.
    repo.record.clone_url = `http://localhost:${recorder.port}/acme/elsewhere.git`;
    const before = tokenRequests(world.installationId).length;
    const { id } = await world.deliver(app, "push", pushWithCloneUrl(repo, repo.record.clone_url));
    await settle(app);
    expect(recorder.requests).toEqual([]);
    expect(await app.store.deliveryState(id)).toBe("failed");
    expect(world.logs.some((l) => l.includes("refusing clone URL on http://localhost:") && l.includes("the configured GitHub is 127.0.0.1"))).toBe(true);
    // No fetch was tried, so no "fresh token" retry minted a second token for it.
    expect(tokenRequests(world.installationId).length - before).toBeLessThanOrEqual(1);
    // Not a silent pass: the push's check run says the scan could not happen, and why.
    const runs = world.gh.state.checkRunsOf(repo.fullName);
    expect(runs.map((r) => [r.head_sha, r.conclusion])).toEqual([[head, "neutral"]]);
    expect(runs[0]!.output.summary).toContain("the API gave a clone URL the installation token may not go to");
    world.gh.expectNoViolations();
  });

  it("does not follow a redirect, so the token cannot be walked to another host", async () => {
    const redirector = await startRecorder((path) => ({ status: 302, headers: { location: `${recorder.url}${path}` } }));
    try {
      const repo = world.addRepo("moved");
      repo.work.commit("init", { "a.txt": "a\n" });
      repo.record.clone_url = `${redirector.url}/acme/moved.git`; // same host as the API: allowed
      const push = repo.push();
      await world.deliver(app, "push", repo.pushPayload(push));
      await settle(app);
      expect(redirector.requests.length).toBeGreaterThan(0);
      expect(recorder.requests).toEqual([]);
      const [run] = world.gh.state.checkRunsOf(repo.fullName);
      expect(run).toMatchObject({ head_sha: push.after, conclusion: "neutral" });
      expect(run!.output.summary).toMatch(/could not fetch acme\/moved/);
    } finally {
      await redirector.close();
    }
  });

  it("refuses a push whose installation id is not the one the app has on that repository", async () => {
    const repo = world.addRepo("victim");
    repo.work.commit("init", { "a.txt": "a\n" });
    const other = world.gh.state.addInstallation({ account: "evil" }).id;
    const payload = repo.pushPayload(repo.push());
    const { id } = await world.deliver(app, "push", { ...payload, installation: { ...(payload["installation"] as object), id: other } });
    await settle(app);
    expect(await app.store.deliveryState(id)).toBe("failed");
    expect(world.logs.some((l) => l.includes(`delivery names installation ${other} for acme/victim, but the app is installed there as ${world.installationId}`))).toBe(true);
    expect(tokenRequests(other)).toEqual([]); // no token of the claimed installation was even minted
    expect(world.gh.state.checkRunsOf(repo.fullName)).toEqual([]);
    // The lookup is cached: a second push to the same repository asks GitHub no more.
    const lookups = () => world.gh.requests.filter((r) => r.path === "/repos/acme/victim/installation").length;
    const seen = lookups();
    repo.work.commit("more", { "b.txt": "b\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    expect(lookups()).toBe(seen);
    expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => r.conclusion)).toEqual(["success"]);
    world.gh.expectNoViolations();
  });
});
