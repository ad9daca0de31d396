import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createInstallationOctokit } from "../../../src/app/github/create-octokit.js";
import type { Budgets } from "../../../src/app/github/pace-requests.js";
import { createLogger } from "../../../src/app/create-logger.js";
import { FAULTS, makeTestApp, startGitHubDouble } from "../../helpers/github-double/index.js";
import type { GitHubDouble, SecondaryLimitOptions } from "../../helpers/github-double/index.js";

// GitHub's secondary limits are budgets per installation over a minute and an hour (docs:
// "Rate limits for the REST API"); the double enforces them (403 "secondary rate limit" +
// retry-after) on a shrunken clock. A client pacing by the same budgets is never refused; a
// client that believes in larger budgets is refused, waits as GitHub asks, and loses nothing.

const app = makeTestApp();
let gh: GitHubDouble;
afterEach(async () => {
  gh.expectNoViolations();
  await gh.close();
});

async function world(limits: Partial<SecondaryLimitOptions>, budgets: Partial<Budgets>) {
  gh = await startGitHubDouble({ app, secondaryLimits: limits });
  const inst = gh.state.addInstallation({ account: "acme" });
  gh.state.addRepo({ owner: "acme", name: "shop", private: true });
  const octokit = createInstallationOctokit({ appId: String(app.appId), privateKey: app.privateKeyPem, baseUrl: gh.url, log: createLogger(new PassThrough(), "error"), retryBaseMs: 5, budgets }, inst.id);
  return octokit;
}

const second = { minuteMs: 1_000, hourMs: 60_000 };
/** For a client that paces by the double's own budgets: nothing depends on how long its requests take, so the window can be short. */
const halfSecond = { minuteMs: 500, hourMs: 60_000 };

describe("pacing by GitHub's budgets", () => {
  it("sends a burst of issues within 'content-generating requests per minute' and is never refused", async () => {
    const octokit = await world({ contentPerMinute: 4, ...halfSecond }, { contentPerMinute: 4, ...halfSecond });
    const titles = Array.from({ length: 10 }, (_, i) => `incident ${i}`);
    await Promise.all(titles.map((title) => octokit.rest.issues.create({ owner: "acme", repo: "shop", title })));
    expect(gh.rateLimited).toBe(0);
    expect(gh.state.issuesOf("acme/shop").map((i) => i.title).sort()).toEqual([...titles].sort());
  });

  it("keeps check runs within the points per minute of their endpoint (a POST is 5 points)", async () => {
    const octokit = await world({ pointsPerMinute: 10, ...halfSecond }, { pointsPerMinute: 10, ...halfSecond });
    const shas = Array.from({ length: 6 }, (_, i) => String(i).repeat(40));
    await Promise.all(shas.map((head_sha) => octokit.rest.checks.create({ owner: "acme", repo: "shop", name: "leakguard", head_sha, status: "completed", conclusion: "success" })));
    expect(gh.rateLimited).toBe(0);
    expect(gh.state.checkRunsOf("acme/shop")).toHaveLength(6);
  });

  it("sends one installation's requests one at a time", async () => {
    const octokit = await world({ concurrent: 1 }, {});
    await Promise.all(Array.from({ length: 8 }, () => octokit.rest.repos.get({ owner: "acme", repo: "shop" })));
    expect(gh.rateLimited).toBe(0);
  });

  it("waits out a secondary-rate-limit answer (retry-after) and sends again, creating each issue once", async () => {
    // The attack on the pacing: a client whose budget is wrong. GitHub's answer is the last word.
    const octokit = await world({ contentPerMinute: 3, ...second }, { contentPerMinute: 1000, ...second });
    const titles = Array.from({ length: 7 }, (_, i) => `incident ${i}`);
    await Promise.all(titles.map((title) => octokit.rest.issues.create({ owner: "acme", repo: "shop", title })));
    expect(gh.rateLimited).toBeGreaterThan(0);
    expect(gh.state.issuesOf("acme/shop").map((i) => i.title).sort()).toEqual([...titles].sort());
  });

  it("waits out an exhausted primary limit until x-ratelimit-reset, and a 429 until retry-after", async () => {
    const octokit = await world({}, {});
    gh.failNext({ method: "GET", path: "/repos/acme/shop", ...FAULTS.primaryRateLimit(Date.now(), 1) });
    gh.failNext({ method: "GET", path: "/repos/acme/shop", ...FAULTS.tooManyRequests(1) });
    const { data } = await octokit.rest.repos.get({ owner: "acme", repo: "shop" });
    expect(data.full_name).toBe("acme/shop");
    expect(gh.requests.filter((r) => r.path === "/repos/acme/shop").map((r) => r.status)).toEqual([403, 429, 200]);
  });

  it("does not wait out a 403 that is no rate limit (a missing permission): it fails at once", async () => {
    const octokit = await world({}, {});
    gh.failNext({ method: "GET", path: "/repos/acme/shop", status: 403, body: { message: "Resource not accessible by integration" } });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "shop" })).rejects.toMatchObject({ status: 403 });
    expect(gh.requests.filter((r) => r.path === "/repos/acme/shop")).toHaveLength(1);
  });
});
