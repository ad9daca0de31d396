import type { IssueRecord, RepoRecord } from "./create-state.js";
import type { Json, JsonObject } from "./load-spec.js";
import { paginate } from "./paginate.js";
import type { RenderContext } from "./render-context.js";
import { botLogin, example, isoTime, nodeId, renderUser } from "./render-context.js";
import type { RouteEnv, RouteRequest, RouteTable } from "./route-types.js";
import { GitHubError, bodyOf, intParam, invalidRequest, repoFor } from "./route-types.js";
import { ensureLabel, findLabel, renderLabel } from "./routes-labels.js";

// Issues: numbered per repository, labels created on first use (as GitHub does), listed newest
// first with GitHub's filters (state, labels = all of them, creator, assignee) and pagination.

/** GitHub's limit on issue and comment bodies, which the schema does not state. */
export const MAX_BODY = 65_536;

/** The repo, if it accepts issues (GitHub answers 410 when they are turned off). */
export function issuesRepoFor(req: RouteRequest, env: RouteEnv): RepoRecord {
  const repo = repoFor(req, env);
  if (!repo.has_issues) throw new GitHubError(410, "Issues are disabled for this repo");
  return repo;
}

export function checkBodyLength(body: Json | undefined): void {
  if (typeof body === "string" && body.length > MAX_BODY) throw invalidRequest(`Validation Failed: body is too long (maximum is ${MAX_BODY} characters)`);
}

function checkAssignees(repo: RepoRecord, logins: string[]): void {
  const bad = repo.assignable ? logins.filter((l) => !repo.assignable?.has(l)) : [];
  if (bad.length > 0) throw invalidRequest(`Validation Failed: cannot assign ${bad.join(", ")} (field assignees, code invalid)`);
}

export function issueOf(req: RouteRequest, env: RouteEnv): IssueRecord {
  const repo = issuesRepoFor(req, env);
  const issue = env.state.issues.find((i) => i.repo === repo.full_name && i.number === intParam(req, "issue_number"));
  if (!issue) throw new GitHubError(404, "Not Found");
  return issue;
}

function renderIssue(ctx: RenderContext, env: RouteEnv, issue: IssueRecord): JsonObject {
  const i = example(ctx, "issue");
  const api = `${ctx.apiUrl}/repos/${issue.repo}/issues/${issue.number}`;
  for (const key of ["pull_request", "milestone", "pinned_comment", "closed_by", "type", "issue_field_values"]) delete i[key];
  const assignees = issue.assignees.map((login) => renderUser(ctx, login));
  Object.assign(i, {
    id: issue.id,
    node_id: nodeId("Issue", issue.id),
    url: api,
    repository_url: `${ctx.apiUrl}/repos/${issue.repo}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `https://github.com/${issue.repo}/issues/${issue.number}`,
    timeline_url: `${api}/timeline`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state_reason,
    title: issue.title,
    body: issue.body,
    user: renderUser(ctx, issue.user),
    // A label deleted from the repository no longer shows on its issues.
    labels: issue.labels.flatMap((name) => {
      const label = findLabel(env, issue.repo, name);
      return label ? [renderLabel(ctx, label)] : [];
    }),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: env.state.commentsOn(issue.repo, issue.number).length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    author_association: "NONE",
    performed_via_github_app: null,
  });
  return i;
}

/** Label names from a body's `labels` (strings or {name} objects), created when missing. */
function labelNames(env: RouteEnv, repo: string, labels: Json | undefined): string[] {
  if (!Array.isArray(labels)) return [];
  const names = labels.map((l) => (typeof l === "object" && l !== null && !Array.isArray(l) ? String(l["name"]) : String(l)));
  return [...new Set(names.map((n) => ensureLabel(env, repo, n).name))];
}

function applyUpdate(env: RouteEnv, repo: RepoRecord, issue: IssueRecord, b: JsonObject): void {
  checkBodyLength(b["body"]);
  if (Array.isArray(b["assignees"])) checkAssignees(repo, b["assignees"].map(String));
  const now = isoTime(env.ctx.now());
  if (b["title"] !== undefined && b["title"] !== null) issue.title = String(b["title"]);
  if (b["body"] !== undefined) issue.body = b["body"] === null ? null : String(b["body"]);
  if (b["labels"] !== undefined) issue.labels = labelNames(env, issue.repo, b["labels"]);
  if (Array.isArray(b["assignees"])) issue.assignees = b["assignees"].map(String);
  if (b["state"] === "closed" && issue.state === "open") {
    issue.state = "closed";
    issue.closed_at = now;
    issue.state_reason = (b["state_reason"] as IssueRecord["state_reason"]) ?? "completed";
  } else if (b["state"] === "open" && issue.state === "closed") {
    issue.state = "open";
    issue.closed_at = null;
    issue.state_reason = "reopened";
  }
  issue.updated_at = now;
}

export const issueRoutes: RouteTable = {
  "POST /repos/{owner}/{repo}/issues": {
    auth: "installation",
    permission: ["issues", "write"],
    handle(req, env) {
      const repo = issuesRepoFor(req, env);
      const b = bodyOf(req);
      checkBodyLength(b["body"]);
      const assignees = Array.isArray(b["assignees"]) ? b["assignees"].map(String) : typeof b["assignee"] === "string" ? [b["assignee"]] : [];
      checkAssignees(repo, assignees);
      const now = isoTime(env.ctx.now());
      const issue: IssueRecord = {
        id: env.state.nextId(),
        repo: repo.full_name,
        number: Math.max(0, ...env.state.issuesOf(repo.full_name).map((i) => i.number)) + 1,
        title: String(b["title"]),
        body: typeof b["body"] === "string" ? b["body"] : null,
        state: "open",
        state_reason: null,
        labels: labelNames(env, repo.full_name, b["labels"]),
        assignees,
        user: botLogin(env.ctx),
        created_at: now,
        updated_at: now,
        closed_at: null,
      };
      env.state.issues.push(issue);
      return { status: 201, body: renderIssue(env.ctx, env, issue) };
    },
  },

  "GET /repos/{owner}/{repo}/issues/{issue_number}": {
    auth: "installation",
    permission: ["issues", "read"],
    handle: (req, env) => ({ status: 200, body: renderIssue(env.ctx, env, issueOf(req, env)) }),
  },

  "PATCH /repos/{owner}/{repo}/issues/{issue_number}": {
    auth: "installation",
    permission: ["issues", "write"],
    handle(req, env) {
      const issue = issueOf(req, env);
      applyUpdate(env, issuesRepoFor(req, env), issue, bodyOf(req));
      return { status: 200, body: renderIssue(env.ctx, env, issue) };
    },
  },

  "GET /repos/{owner}/{repo}/issues": {
    auth: "installation",
    permission: ["issues", "read"],
    handle(req, env) {
      const repo = issuesRepoFor(req, env);
      const q = req.query;
      const state = q.get("state") ?? "open";
      const wanted = (q.get("labels") ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
      const creator = q.get("creator");
      const assignee = q.get("assignee");
      const since = q.get("since");
      const sort = q.get("sort") ?? "created";
      const issues = env.state.issuesOf(repo.full_name).filter(
        (i) =>
          (state === "all" || i.state === state) &&
          wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)) &&
          (creator === null || i.user.toLowerCase() === creator.toLowerCase()) &&
          (assignee === null || (assignee === "none" ? i.assignees.length === 0 : assignee === "*" ? i.assignees.length > 0 : i.assignees.includes(assignee))) &&
          (since === null || i.updated_at >= since),
      );
      const key = (i: IssueRecord): string | number => (sort === "updated" ? i.updated_at : sort === "comments" ? env.state.commentsOn(i.repo, i.number).length : i.number);
      issues.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
      if ((q.get("direction") ?? "desc") === "desc") issues.reverse();
      const page = paginate(issues, env.ctx.apiUrl, req.pathname, q);
      return { status: 200, headers: page.headers, body: page.items.map((i) => renderIssue(env.ctx, env, i)) };
    },
  },

  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels": {
    auth: "installation",
    permission: ["issues", "write"],
    handle(req, env) {
      const issue = issueOf(req, env);
      const raw = Array.isArray(req.body) ? req.body : bodyOf(req)["labels"];
      issue.labels = [...new Set([...issue.labels, ...labelNames(env, issue.repo, raw)])];
      issue.updated_at = isoTime(env.ctx.now());
      return { status: 200, body: issue.labels.map((n) => renderLabel(env.ctx, ensureLabel(env, issue.repo, n))) };
    },
  },
};
