import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAULTS, makeTestApp, startGitHubDouble } from "./github-double/index.js";
import type { GitHubDouble, InstallationRecord, TestApp } from "./github-double/index.js";
import { installationOctokitFor, quietLog } from "./github-double/test-octokit.js";

// The double is only useful if it behaves like GitHub where our app depends on it, and refuses
// what GitHub refuses. These tests drive it with the real Octokit the app uses.

const app: TestApp = makeTestApp({ appId: 4242, slug: "leakguard-test" });
let gh: GitHubDouble;
let inst: InstallationRecord;
let clock: number;
const log = quietLog;

function installationOctokit(installationId = inst.id): Octokit {
  return installationOctokitFor(gh, app, installationId);
}

beforeEach(async () => {
  clock = Date.now();
  gh = await startGitHubDouble({ app, now: () => clock });
  inst = gh.state.addInstallation({ account: "acme" });
  gh.state.addRepo({ owner: "acme", name: "shop", private: true, default_branch: "trunk", clone_url: "http://127.0.0.1:9/acme/shop.git" });
});

afterEach(async () => {
  await gh.close();
});

describe("authentication", () => {
  afterEach(() => gh.expectNoViolations());

  it("issues an installation token for a JWT signed by the app's key and accepts it on installation routes", async () => {
    const octokit = installationOctokit();
    const { data } = await octokit.rest.repos.get({ owner: "acme", repo: "shop" });
    expect(data).toMatchObject({ full_name: "acme/shop", private: true, visibility: "private", default_branch: "trunk", clone_url: "http://127.0.0.1:9/acme/shop.git", owner: { login: "acme", type: "Organization" } });
    const tokenRequest = gh.requests.find((r) => r.operationId === "apps/create-installation-access-token");
    expect(tokenRequest?.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const repoRequest = gh.requests.find((r) => r.operationId === "repos/get");
    expect(repoRequest?.headers.authorization).toMatch(/^token ghs_\w{36}$/);
  });

  it("refuses a JWT signed by another key, and an app JWT on an installation route", async () => {
    const impostor = makeTestApp({ appId: app.appId });
    const octokit = new Octokit({ baseUrl: gh.url, log, authStrategy: createAppAuth, auth: { appId: app.appId, privateKey: impostor.privateKeyPem, installationId: inst.id } });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 401 });
    expect(gh.state.tokens.size).toBe(0);

    const { token: jwt } = await createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem })({ type: "app" });
    const asApp = new Octokit({ baseUrl: gh.url, auth: jwt, log });
    await expect(asApp.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 401 });
    await expect(asApp.rest.apps.getAuthenticated()).resolves.toMatchObject({ data: { id: app.appId, slug: "leakguard-test" } });
  });

  it("refuses a JWT whose issuer is another app", async () => {
    const octokit = new Octokit({ baseUrl: gh.url, log, authStrategy: createAppAuth, auth: { appId: 1, privateKey: app.privateKeyPem, installationId: inst.id } });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 401 });
  });

  it("hides repositories of other installations", async () => {
    const other = gh.state.addInstallation({ account: "globex" });
    gh.state.addRepo({ owner: "globex", name: "secret-sauce" });
    await expect(installationOctokit().rest.repos.get({ owner: "globex", repo: "secret-sauce" })).rejects.toMatchObject({ status: 404 });
    await expect(installationOctokit(other.id).rest.repos.get({ owner: "globex", repo: "secret-sauce" })).resolves.toMatchObject({ status: 200 });
  });

  it("expires installation tokens after tokenTtlMs on the double's clock; a refreshed token works again", async () => {
    await gh.close();
    gh = await startGitHubDouble({ app, now: () => clock, tokenTtlMs: 5 * 60_000 });
    inst = gh.state.addInstallation({ account: "acme" });
    gh.state.addRepo({ owner: "acme", name: "shop" });
    const auth = createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id, request: new Octokit({ baseUrl: gh.url, log }).request });
    const withToken = (token: string): Octokit => new Octokit({ baseUrl: gh.url, auth: token, log });

    const first = await auth({ type: "installation" });
    expect(Date.parse(first.expiresAt)).toBe(Math.floor((clock + 5 * 60_000) / 1000) * 1000);
    await expect(withToken(first.token).rest.repos.get({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });

    clock += 6 * 60_000;
    await expect(withToken(first.token).rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 401, message: expect.stringContaining("Bad credentials") });
    const second = await auth({ type: "installation", refresh: true });
    expect(second.token).not.toBe(first.token);
    await expect(withToken(second.token).rest.repos.get({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
  });

  it("expireTokens() invalidates every token issued so far", async () => {
    const { token } = await createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id, request: new Octokit({ baseUrl: gh.url, log }).request })({ type: "installation" });
    const octokit = new Octokit({ baseUrl: gh.url, auth: token, log });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
    gh.expireTokens();
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 401 });
  });

  it("refuses the tokens of a suspended installation (403) and of a deleted one (401)", async () => {
    const { token } = await createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id, request: new Octokit({ baseUrl: gh.url, log }).request })({ type: "installation" });
    const octokit = new Octokit({ baseUrl: gh.url, auth: token, log });
    inst.suspended = true;
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 403, message: expect.stringContaining("suspended") });
    inst.suspended = false;
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
    gh.state.installations.delete(inst.id);
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 401 });
  });

  it("tells a git server whether a Basic x-access-token credential may fetch a repository", async () => {
    gh.state.addInstallation({ account: "globex" });
    gh.state.addRepo({ owner: "globex", name: "other" });
    const { token } = await createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id, request: new Octokit({ baseUrl: gh.url, log }).request })({ type: "installation" });
    const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    expect(gh.authorizeGit(basic("x-access-token", token), "acme/shop")).toBe(true);
    expect(gh.authorizeGit(basic("x-access-token", token), "globex/other")).toBe(false);
    expect(gh.authorizeGit(basic("someone", token), "acme/shop")).toBe(false);
    expect(gh.authorizeGit(basic("x-access-token", "ghs_forged"), "acme/shop")).toBe(false);
    expect(gh.authorizeGit(null, "acme/shop")).toBe(false);
    gh.expireTokens();
    expect(gh.authorizeGit(basic("x-access-token", token), "acme/shop")).toBe(false);
  });

  it("answers a JWT from before the double's clock with GitHub's clock-skew message", async () => {
    const { token: jwt } = await createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem })({ type: "app" });
    clock += 20 * 60_000;
    const asApp = new Octokit({ baseUrl: gh.url, auth: jwt, log });
    await expect(asApp.rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401, message: expect.stringContaining("'Expiration time' claim ('exp') must be a numeric value") });
  });
});

describe("spec conformance", () => {
  it("records a check run with an invalid conclusion as a violation and answers 422", async () => {
    const octokit = installationOctokit();
    await expect(
      octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "shop", name: "leakguard", head_sha: "a".repeat(40), conclusion: "exploded" as "success" }),
    ).rejects.toMatchObject({ status: 422 });
    expect(gh.violations).toEqual([expect.objectContaining({ kind: "request-body", operationId: "checks/create", problems: [expect.stringContaining("/conclusion must be equal to one of the allowed values")] })]);
    expect(gh.state.checkRuns).toHaveLength(0);
    expect(() => gh.expectNoViolations()).toThrow(/checks\/create/);
    expect(gh.violations).toHaveLength(0);
  });

  it("records an issue without a title as a violation", async () => {
    const octokit = installationOctokit();
    await expect(octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "shop", body: "no title" } as never)).rejects.toMatchObject({ status: 422 });
    expect(gh.violations).toEqual([expect.objectContaining({ kind: "request-body", problems: [expect.stringContaining("must have required property 'title'")] })]);
    expect(gh.state.issues).toHaveLength(0);
    gh.violations.length = 0;
  });

  it("answers an unauthenticated bad request 401 like GitHub, and still records the bad body", async () => {
    const anonymous = new Octokit({ baseUrl: gh.url, log });
    await expect(anonymous.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "shop", body: "no title" } as never)).rejects.toMatchObject({ status: 401 });
    expect(gh.takeViolations()).toEqual([expect.objectContaining({ kind: "request-body", operationId: "issues/create" })]);
  });

  it("records a route GitHub does not have, and a wrongly typed query parameter", async () => {
    const octokit = installationOctokit();
    await expect(octokit.request("GET /repos/{owner}/{repo}/leaks", { owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.request("GET /repos/{owner}/{repo}/issues", { owner: "acme", repo: "shop", state: "everything" as "all" })).rejects.toMatchObject({ status: 422 });
    expect(gh.violations.map((v) => v.kind)).toEqual(["unknown-route", "request-params"]);
    expect(gh.violations[1]?.problems[0]).toMatch(/query parameter "state"/);
    gh.violations.length = 0;
  });

  it("records a missing required query parameter", async () => {
    const octokit = installationOctokit();
    await expect(octokit.request("GET /search/issues", {} as never)).rejects.toMatchObject({ status: 422 });
    expect(gh.violations).toEqual([expect.objectContaining({ kind: "request-params", problems: ['missing required query parameter "q"'] })]);
    gh.violations.length = 0;
  });

  it("answers a real but unsimulated operation with 501 and a violation naming it", async () => {
    const octokit = installationOctokit();
    await expect(octokit.rest.repos.listBranches({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 501 });
    expect(gh.violations).toEqual([expect.objectContaining({ kind: "not-implemented", operationId: "repos/list-branches" })]);
    gh.violations.length = 0;
  });

  it("refuses more than 50 annotations in one request, as GitHub does", async () => {
    const octokit = installationOctokit();
    const annotation = (i: number) => ({ path: "src/a.ts", start_line: i, end_line: i, annotation_level: "failure" as const, message: `finding ${i}` });
    const { data: run } = await octokit.rest.checks.create({ owner: "acme", repo: "shop", name: "leakguard", head_sha: "b".repeat(40), status: "in_progress" });
    await expect(
      octokit.rest.checks.update({ owner: "acme", repo: "shop", check_run_id: run.id, output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i + 1)) } }),
    ).rejects.toMatchObject({ status: 422 });
    expect(gh.violations[0]?.problems[0]).toMatch(/must NOT have more than 50 items/);
    gh.violations.length = 0;
    expect(gh.state.checkRuns[0]?.output.annotations).toHaveLength(0);
  });

  it("refuses annotations that break GitHub's documented rules (columns across lines, line 0, end before start)", async () => {
    const octokit = installationOctokit();
    const base = { path: "a.env", annotation_level: "failure" as const, message: "m" };
    const bad = [
      { ...base, start_line: 1, end_line: 2, start_column: 1, end_column: 5 },
      { ...base, start_line: 0, end_line: 0 },
      { ...base, start_line: 3, end_line: 2 },
    ];
    for (const annotation of bad) {
      await expect(
        octokit.rest.checks.create({ owner: "acme", repo: "shop", name: "leakguard", head_sha: "a".repeat(40), conclusion: "failure", output: { title: "t", summary: "s", annotations: [annotation] } }),
      ).rejects.toMatchObject({ status: 422 });
    }
    expect(gh.takeViolations().map((v) => v.kind)).toEqual(["request-body", "request-body", "request-body"]);
    expect(gh.state.checkRuns).toHaveLength(0);
  });

  it("refuses a completed check run without a conclusion", async () => {
    const octokit = installationOctokit();
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "shop", name: "leakguard", head_sha: "c".repeat(40), status: "completed" })).rejects.toMatchObject({ status: 422 });
    expect(gh.violations[0]?.kind).toBe("request-body");
    gh.violations.length = 0;
  });
});

describe("fault injection", () => {
  afterEach(() => gh.expectNoViolations());

  it("fails the next matching request with a 5xx that the retry plugin retries, without changing state", async () => {
    const RetryingOctokit = Octokit.plugin(retry);
    const octokit = new RetryingOctokit({
      log,
      baseUrl: gh.url,
      authStrategy: createAppAuth,
      auth: { appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id },
      retry: { retryAfterBaseValue: 1 },
    });
    gh.failNext({ method: "POST", path: "/repos/{owner}/{repo}/issues", ...FAULTS.serverError(502), times: 2 });
    await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "after two 502s" });
    const statuses = gh.requests.filter((r) => r.operationId === "issues/create").map((r) => r.status);
    expect(statuses).toEqual([502, 502, 201]);
    expect(gh.state.issues).toHaveLength(1);
  });

  it("can drop the connection without an answer, which the retry plugin also retries", async () => {
    const RetryingOctokit = Octokit.plugin(retry);
    const octokit = new RetryingOctokit({
      log,
      baseUrl: gh.url,
      authStrategy: createAppAuth,
      auth: { appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id },
      retry: { retryAfterBaseValue: 1 },
    });
    gh.failNext({ method: "PATCH", path: "/repos/{owner}/{repo}/issues/{issue_number}", ...FAULTS.connectionReset() });
    await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "t" });
    await octokit.rest.issues.update({ owner: "acme", repo: "shop", issue_number: 1, state: "closed" });
    expect(gh.requests.filter((r) => r.operationId === "issues/update").map((r) => r.status)).toEqual([0, 200]);
    expect(gh.state.issues[0]?.state).toBe("closed");
  });

  it("sends a secondary rate limit with retry-after that the throttling plugin honours", async () => {
    const seen: number[] = [];
    const octokit = installationOctokitFor(gh, app, inst.id, Octokit.plugin(throttling), {
      throttle: {
        retryAfterBaseValue: 1,
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter: number) => {
          seen.push(retryAfter);
          return true;
        },
      },
    });
    gh.failNext({ path: "/repos/acme/shop", ...FAULTS.secondaryRateLimit(7) });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual([7]);
  });

  it("sends an exhausted primary rate limit (remaining 0, reset) that the throttling plugin waits out", async () => {
    const waits: number[] = [];
    const octokit = installationOctokitFor(gh, app, inst.id, Octokit.plugin(throttling), {
      throttle: {
        retryAfterBaseValue: 1,
        onSecondaryRateLimit: () => false,
        onRateLimit: (retryAfter: number) => {
          waits.push(retryAfter);
          return true;
        },
      },
    });
    gh.failNext({ method: "GET", path: "/repos/{owner}/{repo}/issues", ...FAULTS.primaryRateLimit(Date.now(), 60) });
    await expect(octokit.rest.issues.listForRepo({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(30);
    expect(gh.requests.filter((r) => r.operationId === "issues/list-for-repo").map((r) => r.status)).toEqual([403, 200]);
  });

  it("can enforce GitHub's content-creation limit on its clock, answering a secondary rate limit", async () => {
    await gh.close();
    gh = await startGitHubDouble({ app, now: () => clock, contentCreationPerMinute: 3 });
    inst = gh.state.addInstallation({ account: "acme" });
    gh.state.addRepo({ owner: "acme", name: "shop" });
    const octokit = installationOctokit();
    for (let i = 1; i <= 3; i++) await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: `leak ${i}` });
    clock += 20_000;
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "one too many" })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("secondary rate limit"),
      response: { headers: { "retry-after": "40" } },
    });
    await expect(octokit.rest.issues.listForRepo({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
    clock += 40_000;
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "after the minute" })).resolves.toMatchObject({ status: 201 });
    expect(gh.state.issues.map((i) => i.title)).toEqual(["leak 1", "leak 2", "leak 3", "after the minute"]);
  });

  it("injects 429 and a 401 expired-token answer with their headers", async () => {
    const octokit = installationOctokit();
    gh.failNext({ path: /^\/rate_limit$/, ...FAULTS.tooManyRequests(3) });
    await expect(octokit.rest.rateLimit.get()).rejects.toMatchObject({ status: 429, response: { headers: { "retry-after": "3" } } });
    // A plain token client: auth-app itself retries a 401 seen within 5 s of minting the token.
    const { token } = await createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id, request: octokit.request })({ type: "installation" });
    const plain = new Octokit({ baseUrl: gh.url, auth: token, log });
    gh.failNext({ method: "GET", path: "/repos/{owner}/{repo}", ...FAULTS.badCredentials() });
    await expect(plain.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 401, message: expect.stringContaining("Bad credentials") });
    await expect(plain.rest.repos.get({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
  });
});

describe("installation permissions and token scope", () => {
  afterEach(() => gh.expectNoViolations());

  it("answers 403 when the installation did not grant the permission a route needs", async () => {
    await gh.close();
    gh = await startGitHubDouble({ app, permissions: { metadata: "read", contents: "read", issues: "read" } });
    inst = gh.state.addInstallation({ account: "acme" });
    gh.state.addRepo({ owner: "acme", name: "shop" });
    const octokit = installationOctokit();
    await expect(octokit.rest.issues.listForRepo({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ status: 200 });
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "t" })).rejects.toMatchObject({ status: 403, message: expect.stringContaining("Resource not accessible by integration") });
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "shop", name: "n", head_sha: "e".repeat(40) })).rejects.toMatchObject({ status: 403 });
    expect(gh.state.issues).toHaveLength(0);
  });

  it("restricts a token requested for some repositories and some permissions", async () => {
    gh.state.addRepo({ owner: "acme", name: "api" });
    const request = new Octokit({ baseUrl: gh.url, log }).request;
    const auth = createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id, request });
    const scoped = await auth({ type: "installation", repositoryNames: ["api"], permissions: { contents: "read" } });
    expect(scoped.repositoryNames).toEqual(["api"]);
    const octokit = new Octokit({ baseUrl: gh.url, auth: scoped.token, log });
    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "shop", path: "x" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.issues.listForRepo({ owner: "acme", repo: "api" })).rejects.toMatchObject({ status: 403 });
    const { data } = await octokit.rest.apps.listReposAccessibleToInstallation();
    expect(data.repositories.map((r) => r.name)).toEqual(["api"]);
    await expect(auth({ type: "installation", permissions: { administration: "write" }, refresh: true })).rejects.toMatchObject({ status: 422 });
  });

  it("finds any request that carried a given text, for never-send-the-key assertions", async () => {
    const octokit = installationOctokit();
    const marker = `needle-${Date.now()}`;
    await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "t", body: `has ${marker}` });
    await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "clean" });
    expect(gh.requestsContaining(marker).map((r) => r.operationId)).toEqual(["issues/create"]);
    expect(gh.requestsContaining("never-sent")).toEqual([]);
  });
});
