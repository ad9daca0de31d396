import { randomBytes } from "node:crypto";
import { paginate } from "./paginate.js";
import { APP_PERMISSIONS, renderApp, renderInstallation, renderRepo } from "./render-repo.js";
import { example, isoTime } from "./render-context.js";
import type { RouteEnv, RouteRequest, RouteTable } from "./route-types.js";
import { GitHubError, intParam } from "./route-types.js";

// The app itself: its JWT-authenticated routes, installation tokens, and what a token may list.

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** GitHub installation tokens are `ghs_` + 36 alphanumerics. */
function newToken(): string {
  return "ghs_" + [...randomBytes(36)].map((b) => BASE62[b % 62]).join("");
}

function installationOf(req: RouteRequest, env: RouteEnv) {
  const inst = env.state.installations.get(intParam(req, "installation_id"));
  if (!inst) throw new GitHubError(404, "Not Found");
  return inst;
}

function reposOf(env: RouteEnv, installationId: number) {
  return [...env.state.repos.values()].filter((r) => r.installationId === installationId).sort((a, b) => a.id - b.id);
}

export const appRoutes: RouteTable = {
  "GET /app": { auth: "app", handle: (_req, env) => ({ status: 200, body: renderApp(env.ctx) }) },

  "GET /app/installations": {
    auth: "app",
    handle(req, env) {
      const all = [...env.state.installations.values()];
      const page = paginate(all, env.ctx.apiUrl, req.pathname, req.query);
      return { status: 200, body: page.items.map((i) => renderInstallation(env.ctx, i)), headers: page.headers };
    },
  },

  "GET /app/installations/{installation_id}": {
    auth: "app",
    handle: (req, env) => ({ status: 200, body: renderInstallation(env.ctx, installationOf(req, env)) }),
  },

  "GET /repos/{owner}/{repo}/installation": {
    auth: "app",
    handle(req, env) {
      const repo = env.state.repo(`${req.pathParams["owner"]}/${req.pathParams["repo"]}`);
      const inst = repo?.installationId != null ? env.state.installations.get(repo.installationId) : undefined;
      if (!inst) throw new GitHubError(404, "Not Found");
      return { status: 200, body: renderInstallation(env.ctx, inst) };
    },
  },

  "POST /app/installations/{installation_id}/access_tokens": {
    auth: "app",
    handle(req, env) {
      const inst = installationOf(req, env);
      if (inst.suspended) throw new GitHubError(403, "This installation has been suspended");
      const token = newToken();
      const expiresAt = env.ctx.now() + env.tokenTtlMs;
      env.state.tokens.set(token, { token, installationId: inst.id, expiresAt });
      const body = example(env.ctx, "installation-token");
      Object.assign(body, {
        token,
        expires_at: isoTime(expiresAt),
        permissions: APP_PERMISSIONS,
        repository_selection: inst.repositorySelection,
        repositories: reposOf(env, inst.id).map((r) => renderRepo(env.ctx, r)),
      });
      delete body["single_file"];
      delete body["has_multiple_single_files"];
      delete body["single_file_paths"];
      return { status: 201, body };
    },
  },

  "GET /installation/repositories": {
    auth: "installation",
    handle(req, env) {
      if (req.auth.kind !== "installation") throw new GitHubError(401, "Bad credentials");
      const inst = env.state.installations.get(req.auth.installationId);
      const all = reposOf(env, req.auth.installationId);
      const page = paginate(all, env.ctx.apiUrl, req.pathname, req.query);
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: all.length,
          repository_selection: inst?.repositorySelection ?? "selected",
          repositories: page.items.map((r) => renderRepo(env.ctx, r)),
        },
      };
    },
  },

  "GET /rate_limit": {
    auth: "installation",
    handle(_req, env) {
      const body = example(env.ctx, "rate-limit-overview");
      const reset = Math.floor(env.ctx.now() / 1000) + 3600;
      const core = { limit: 5000, used: 1, remaining: 4999, reset };
      const resources = body["resources"] as Record<string, unknown>;
      resources["core"] = core;
      body["rate"] = core;
      return { status: 200, body };
    },
  },
};
