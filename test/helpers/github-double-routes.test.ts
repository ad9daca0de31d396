import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTestApp, startGitHubDouble } from "./github-double/index.js";
import type { GitHubDouble, InstallationRecord, TestApp } from "./github-double/index.js";
import { installationOctokitFor, quietLog } from "./github-double/test-octokit.js";

// The routes the app relies on keep state like GitHub and answer in GitHub's shapes (every 2xx
// body is validated against the spec: afterEach fails on any violation).

const app: TestApp = makeTestApp({ appId: 4242, slug: "leakguard-test" });
let gh: GitHubDouble;
let inst: InstallationRecord;
const log = quietLog;

function installationOctokit(installationId = inst.id): Octokit {
  return installationOctokitFor(gh, app, installationId);
}

beforeEach(async () => {
  gh = await startGitHubDouble({ app });
  inst = gh.state.addInstallation({ account: "acme" });
  gh.state.addRepo({ owner: "acme", name: "shop", private: true, default_branch: "trunk", clone_url: "http://127.0.0.1:9/acme/shop.git" });
});

afterEach(async () => {
  await gh.close();
});

describe("stateful routes", () => {
  afterEach(() => gh.expectNoViolations());

  it("runs a check from in_progress to failure, appending annotations in batches of 50, and lists it for the commit", async () => {
    const octokit = installationOctokit();
    const sha = "d".repeat(40);
    const annotation = (i: number) => ({ path: ".env", start_line: i, end_line: i, annotation_level: "failure" as const, message: `leak ${i}` });
    const { data: created } = await octokit.rest.checks.create({ owner: "acme", repo: "shop", name: "leakguard", head_sha: sha, status: "in_progress" });
    expect(created).toMatchObject({ status: "in_progress", conclusion: null, head_sha: sha, app: { id: app.appId } });
    await octokit.rest.checks.update({ owner: "acme", repo: "shop", check_run_id: created.id, output: { title: "2 leaks", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 1)) } });
    const { data: done } = await octokit.rest.checks.update({ owner: "acme", repo: "shop", check_run_id: created.id, conclusion: "failure", output: { title: "2 leaks", summary: "s", annotations: [annotation(51)] } });
    expect(done).toMatchObject({ status: "completed", conclusion: "failure", output: { annotations_count: 51 } });
    expect(done.completed_at).toEqual(expect.any(String));

    const annotations = await octokit.paginate(octokit.rest.checks.listAnnotations, { owner: "acme", repo: "shop", check_run_id: created.id, per_page: 100 });
    expect(annotations).toHaveLength(51);
    const { data: list } = await octokit.rest.checks.listForRef({ owner: "acme", repo: "shop", ref: sha });
    expect(list.total_count).toBe(1);
    expect(list.check_runs[0]).toMatchObject({ id: created.id, conclusion: "failure" });
    expect(gh.state.checkRunsOf("acme/shop")[0]).toMatchObject({ conclusion: "failure", output: { title: "2 leaks" } });
  });

  it("creates, finds by label, updates and comments on issues", async () => {
    const octokit = installationOctokit();
    const { data: issue } = await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "Leaked key", body: "rotate it", labels: ["leaked-secret"] });
    expect(issue).toMatchObject({ number: 1, state: "open", user: { login: "leakguard-test[bot]", type: "Bot" }, labels: [{ name: "leaked-secret" }] });
    expect(issue.html_url).toBe("https://github.com/acme/shop/issues/1");
    await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "Unrelated" });

    const { data: found } = await octokit.rest.issues.listForRepo({ owner: "acme", repo: "shop", labels: "leaked-secret", state: "open" });
    expect(found.map((i) => i.title)).toEqual(["Leaked key"]);

    await octokit.rest.issues.createComment({ owner: "acme", repo: "shop", issue_number: 1, body: "still in the default branch" });
    await octokit.rest.issues.update({ owner: "acme", repo: "shop", issue_number: 1, state: "closed", body: "fixed" });
    const { data: after } = await octokit.rest.issues.get({ owner: "acme", repo: "shop", issue_number: 1 });
    expect(after).toMatchObject({ state: "closed", state_reason: "completed", body: "fixed", comments: 1 });
    expect((await octokit.rest.issues.listForRepo({ owner: "acme", repo: "shop", labels: "leaked-secret" })).data).toHaveLength(0);
    const { data: comments } = await octokit.rest.issues.listComments({ owner: "acme", repo: "shop", issue_number: 1 });
    expect(comments.map((c) => c.body)).toEqual(["still in the default branch"]);
    expect(gh.state.commentsOn("acme/shop", 1)).toHaveLength(1);
  });

  it("paginates issue lists with Link headers that octokit.paginate follows", async () => {
    const octokit = installationOctokit();
    for (let i = 1; i <= 7; i++) await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: `leak ${i}`, labels: ["leaked-secret"] });
    const first = await octokit.rest.issues.listForRepo({ owner: "acme", repo: "shop", labels: "leaked-secret", per_page: 3 });
    expect(first.data.map((i) => i.number)).toEqual([7, 6, 5]);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain("page=3");
    const all = await octokit.paginate(octokit.rest.issues.listForRepo, { owner: "acme", repo: "shop", labels: "leaked-secret", per_page: 3 });
    expect(all.map((i) => i.number)).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it("lists an installation's repositories page by page", async () => {
    for (let i = 0; i < 4; i++) gh.state.addRepo({ owner: "acme", name: `svc-${i}` });
    gh.state.addInstallation({ account: "globex" });
    gh.state.addRepo({ owner: "globex", name: "other" });
    const octokit = installationOctokit();
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 2 });
    expect(repos.map((r) => r.full_name)).toEqual(["acme/shop", "acme/svc-0", "acme/svc-1", "acme/svc-2", "acme/svc-3"]);
  });

  it("creates labels once: a second create is GitHub's 422 already_exists", async () => {
    const octokit = installationOctokit();
    await octokit.rest.issues.createLabel({ owner: "acme", repo: "shop", name: "leaked-secret", color: "b60205", description: "A secret was pushed" });
    await expect(octokit.rest.issues.createLabel({ owner: "acme", repo: "shop", name: "Leaked-Secret", color: "b60205" })).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ code: "already_exists" }] } },
    });
    await expect(octokit.rest.issues.getLabel({ owner: "acme", repo: "shop", name: "leaked-secret" })).resolves.toMatchObject({ data: { color: "b60205" } });
    await expect(octokit.rest.issues.getLabel({ owner: "acme", repo: "shop", name: "nope" })).rejects.toMatchObject({ status: 404 });
  });

  it("serves config files base64-encoded through the contents API, 404 when absent", async () => {
    gh.state.repo("acme/shop")?.files.set(".github/leakguard.yml", "failOn: high\nissues:\n  repo: acme/security\n");
    const octokit = installationOctokit();
    const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "shop", path: ".github/leakguard.yml" });
    if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
    expect(Buffer.from(data.content, "base64").toString("utf8")).toBe("failOn: high\nissues:\n  repo: acme/security\n");
    expect(data.sha).toMatch(/^[0-9a-f]{40}$/);
    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "shop", path: ".github/missing.yml" })).rejects.toMatchObject({ status: 404 });
  });

  it("answers the app's own JWT routes: the app, its installations, a repo's installation", async () => {
    const { token: jwt } = await createAppAuth({ appId: app.appId, privateKey: app.privateKeyPem })({ type: "app" });
    const asApp = new Octokit({ baseUrl: gh.url, auth: jwt, log });
    await expect(asApp.rest.apps.getAuthenticated()).resolves.toMatchObject({ data: { id: app.appId, permissions: { issues: "write", checks: "write" } } });
    const { data: installations } = await asApp.rest.apps.listInstallations();
    expect(installations.map((i) => [i.id, i.account && "login" in i.account ? i.account.login : null])).toEqual([[inst.id, "acme"]]);
    await expect(asApp.rest.apps.getRepoInstallation({ owner: "acme", repo: "shop" })).resolves.toMatchObject({ data: { id: inst.id, app_id: app.appId } });
    await expect(asApp.rest.apps.getRepoInstallation({ owner: "acme", repo: "nope" })).rejects.toMatchObject({ status: 404 });
  });

  it("reports the rate limit", async () => {
    const { data } = await installationOctokit().rest.rateLimit.get();
    expect(data.resources.core).toMatchObject({ limit: 5000, remaining: expect.any(Number) });
  });

  it("records every request with its parsed body, so tests can assert what was sent", async () => {
    const octokit = installationOctokit();
    await octokit.rest.issues.create({ owner: "acme", repo: "shop", title: "t", body: "redacted only" });
    const sent = gh.requests.find((r) => r.operationId === "issues/create");
    expect(sent).toMatchObject({ method: "POST", path: "/repos/acme/shop/issues", status: 201, body: { title: "t", body: "redacted only" } });
    expect(gh.requests.every((r) => r.status > 0)).toBe(true);
  });
});

describe("GitHub's rules beyond the schema", () => {
  afterEach(() => gh.expectNoViolations());

  it("serves a file's bytes under the raw media type, as Probot-style config loaders ask", async () => {
    gh.state.repo("acme/shop")?.files.set(".github/leakguard.yml", "failOn: medium\n");
    const { data } = await installationOctokit().rest.repos.getContent({ owner: "acme", repo: "shop", path: ".github/leakguard.yml", mediaType: { format: "raw" } });
    expect(data).toBe("failOn: medium\n");
  });

  it("lists a directory and serves files on other refs", async () => {
    const repo = gh.state.repo("acme/shop");
    repo?.files.set(".github/leakguard.yml", "a: 1\n");
    repo?.files.set(".github/workflows/ci.yml", "on: push\n");
    repo?.filesByRef.set("feature", new Map([[".github/leakguard.yml", "a: 2\n"]]));
    const octokit = installationOctokit();
    const { data: dir } = await octokit.rest.repos.getContent({ owner: "acme", repo: "shop", path: ".github" });
    expect(Array.isArray(dir) && dir.map((e) => `${e.type}:${e.name}`)).toEqual(["file:leakguard.yml", "dir:workflows"]);
    const { data: onBranch } = await octokit.rest.repos.getContent({ owner: "acme", repo: "shop", path: ".github/leakguard.yml", ref: "feature" });
    expect(!Array.isArray(onBranch) && onBranch.type === "file" && Buffer.from(onBranch.content, "base64").toString()).toBe("a: 2\n");
    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "shop", path: ".github/leakguard.yml", ref: "nope" })).rejects.toMatchObject({ status: 404 });
    const { data: root } = await octokit.rest.repos.getContent({ owner: "acme", repo: "shop", path: "" });
    expect(Array.isArray(root) && root.map((e) => `${e.type}:${e.path}`)).toEqual(["dir:.github"]);
  });

  it("names the missing permission on a 403", async () => {
    await gh.close();
    gh = await startGitHubDouble({ app, permissions: { metadata: "read", issues: "read" } });
    inst = gh.state.addInstallation({ account: "acme" });
    gh.state.addRepo({ owner: "acme", name: "shop" });
    await expect(installationOctokit().rest.issues.createLabel({ owner: "acme", repo: "shop", name: "x", color: "ffffff" })).rejects.toMatchObject({
      status: 403,
      response: { headers: { "x-accepted-github-permissions": "issues=write" } },
    });
  });

  it("answers 410 when the repository has issues turned off", async () => {
    gh.state.addRepo({ owner: "acme", name: "no-issues", has_issues: false });
    await expect(installationOctokit().rest.issues.create({ owner: "acme", repo: "no-issues", title: "t" })).rejects.toMatchObject({ status: 410 });
  });

  it("refuses, as violations, a check run on an unknown commit, an unassignable user and an over-long body", async () => {
    const sha = "f".repeat(40);
    gh.state.addRepo({ owner: "acme", name: "strict", commits: [sha], assignable: ["ada"] });
    const octokit = installationOctokit();
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "strict", name: "leakguard", head_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.checks.create({ owner: "acme", repo: "strict", name: "leakguard", head_sha: sha })).resolves.toMatchObject({ status: 201 });
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "strict", title: "t", assignees: ["mallory"] })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "strict", title: "t", assignees: ["ada"] })).resolves.toMatchObject({ status: 201 });
    await expect(octokit.rest.issues.create({ owner: "acme", repo: "strict", title: "t", body: "x".repeat(65_537) })).rejects.toMatchObject({ status: 422 });
    expect(gh.takeViolations().map((v) => v.operationId)).toEqual(["checks/create", "issues/create", "issues/create"]);
  });
});
