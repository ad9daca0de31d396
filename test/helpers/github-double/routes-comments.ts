import type { CommentRecord } from "./create-state.js";
import type { JsonObject } from "./load-spec.js";
import { paginate } from "./paginate.js";
import type { RenderContext } from "./render-context.js";
import { botLogin, example, isoTime, nodeId, renderUser } from "./render-context.js";
import type { RouteEnv, RouteRequest, RouteTable } from "./route-types.js";
import { GitHubError, bodyOf, intParam, repoFor } from "./route-types.js";
import { checkBodyLength, issueOf } from "./routes-issues.js";

// Issue comments: created by the app's bot user, listed oldest first (GitHub's order).

function renderComment(ctx: RenderContext, c: CommentRecord): JsonObject {
  const out = example(ctx, "issue-comment");
  for (const key of ["pin", "minimized", "reactions", "performed_via_github_app"]) delete out[key];
  Object.assign(out, {
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    url: `${ctx.apiUrl}/repos/${c.repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${c.repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${ctx.apiUrl}/repos/${c.repo}/issues/${c.issueNumber}`,
    body: c.body,
    user: renderUser(ctx, c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: "NONE",
  });
  return out;
}

function commentOf(req: RouteRequest, env: RouteEnv): CommentRecord {
  const repo = repoFor(req, env);
  const c = env.state.comments.find((x) => x.repo === repo.full_name && x.id === intParam(req, "comment_id"));
  if (!c) throw new GitHubError(404, "Not Found");
  return c;
}

export const commentRoutes: RouteTable = {
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": {
    auth: "installation",
    permission: ["issues", "write"],
    handle(req, env) {
      const issue = issueOf(req, env);
      checkBodyLength(bodyOf(req)["body"]);
      const now = isoTime(env.ctx.now());
      const c: CommentRecord = { id: env.state.nextId(), repo: issue.repo, issueNumber: issue.number, body: String(bodyOf(req)["body"]), user: botLogin(env.ctx), created_at: now, updated_at: now };
      env.state.comments.push(c);
      issue.updated_at = now;
      return { status: 201, body: renderComment(env.ctx, c) };
    },
  },

  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": {
    auth: "installation",
    permission: ["issues", "read"],
    handle(req, env) {
      const issue = issueOf(req, env);
      const since = req.query.get("since");
      const all = env.state.commentsOn(issue.repo, issue.number).filter((c) => since === null || c.updated_at >= since);
      const page = paginate(all, env.ctx.apiUrl, req.pathname, req.query);
      return { status: 200, headers: page.headers, body: page.items.map((c) => renderComment(env.ctx, c)) };
    },
  },

  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}": {
    auth: "installation",
    permission: ["issues", "read"],
    handle: (req, env) => ({ status: 200, body: renderComment(env.ctx, commentOf(req, env)) }),
  },

  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": {
    auth: "installation",
    permission: ["issues", "write"],
    handle(req, env) {
      const c = commentOf(req, env);
      checkBodyLength(bodyOf(req)["body"]);
      c.body = String(bodyOf(req)["body"]);
      c.updated_at = isoTime(env.ctx.now());
      return { status: 200, body: renderComment(env.ctx, c) };
    },
  },
};
