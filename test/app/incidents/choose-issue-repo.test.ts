import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RepoTarget } from "../../../src/app/app-context.js";
import { createLogger } from "../../../src/app/create-logger.js";
import { createInstallationOctokit } from "../../../src/app/github/create-octokit.js";
import type { GitHub } from "../../../src/app/github/create-octokit.js";
import { chooseIssueRepo } from "../../../src/app/incidents/choose-issue-repo.js";
import { makeTestApp, repoFor, startGitHubDouble } from "../../helpers/github-double/index.js";
import type { GitHubDouble } from "../../helpers/github-double/index.js";
import { renderRepo } from "../../helpers/github-double/render-repo.js";

// The routing rules against the REST double, with the visibilities the push payload cannot
// tell apart (internal repositories are `private: true`) and the states a target can be in.

const app = makeTestApp();
let gh: GitHubDouble;
let octokit: GitHub;
const internal = new Set(["acme/intranet", "acme/corp-src"]);
const archived = new Set(["acme/old-security"]);

beforeAll(async () => {
  gh = await startGitHubDouble({
    app,
    routes: {
      // GitHub's answer, plus what the double's records do not model: internal visibility, archiving.
      "GET /repos/{owner}/{repo}": {
        auth: "installation",
        permission: ["metadata", "read"],
        handle(req, env) {
          const repo = repoFor(req, env);
          const body = renderRepo(env.ctx, repo, true);
          if (internal.has(repo.full_name)) body["visibility"] = "internal";
          if (archived.has(repo.full_name)) body["archived"] = true;
          return { status: 200, body };
        },
      },
    },
  });
  const inst = gh.state.addInstallation({ account: "acme" });
  for (const name of ["secret-src", "public-src", "security", "intranet", "corp-src", "old-security", "no-issues", "open-notes"]) {
    gh.state.addRepo({ owner: "acme", name, private: !["public-src", "open-notes"].includes(name), has_issues: name !== "no-issues" });
  }
  gh.state.addInstallation({ account: "other" });
  gh.state.addRepo({ owner: "other", name: "sink", private: true, installationId: inst.id });
  octokit = createInstallationOctokit({ appId: String(app.appId), privateKey: app.privateKeyPem, baseUrl: gh.url, log: createLogger(new PassThrough(), "error") }, inst.id);
});
afterAll(() => gh.close());

function source(name: string): RepoTarget {
  const r = gh.state.repo(`acme/${name}`)!;
  return { owner: "acme", name, fullName: r.full_name, htmlUrl: r.html_url, isPublic: !r.private, defaultBranch: "main", cloneUrl: r.clone_url, installationId: 1 };
}

describe("chooseIssueRepo", () => {
  const cases: [string, string, string | RegExp][] = [
    ["secret-src", "acme/security", "acme/security"],
    ["public-src", "acme/security", "acme/security"],
    ["public-src", "acme/intranet", "acme/intranet"],
    ["corp-src", "acme/intranet", "acme/intranet"],
    ["corp-src", "acme/security", "acme/security"],
    ["secret-src", "acme/intranet", /is internal and acme\/secret-src is private/],
    ["secret-src", "acme/open-notes", /is public and acme\/secret-src is private/],
    ["corp-src", "acme/open-notes", /is public and acme\/corp-src is internal/],
    ["secret-src", "other/sink", /belongs to another owner/],
    ["secret-src", "acme/missing", /does not exist, or leakguard is not installed on it/],
    ["secret-src", "acme/old-security", /is archived/],
    ["secret-src", "acme/no-issues", /has issues turned off/],
  ];
  for (const [from, to, expected] of cases) {
    it(`${from} -> ${to}: ${typeof expected === "string" ? "routed" : "refused"}`, async () => {
      const route = await chooseIssueRepo(octokit, source(from), to);
      if (typeof expected === "string") expect(route).toEqual({ issueRepo: expected, problems: [] });
      else {
        expect(route.issueRepo).toBe(`acme/${from}`);
        expect(route.problems).toEqual([expect.stringMatching(expected)]);
      }
    });
  }

  it("files at home without asking when nothing is configured", async () => {
    const before = gh.requests.length;
    expect(await chooseIssueRepo(octokit, source("secret-src"), null)).toEqual({ issueRepo: "acme/secret-src", problems: [] });
    expect(gh.requests.length).toBe(before);
  });
});
