import { randomBytes } from "node:crypto";
import { paginate } from "./paginate.js";
import type { Permissions, RepoRecord } from "./create-state.js";
import type { Json } from "./load-spec.js";
import { isObject } from "./load-spec.js";
import { renderApp, renderInstallation, renderRepo } from "./render-repo.js";
import { example, isoTime } from "./render-context.js";
import type { RouteEnv, RouteRequest, RouteTable } from "./route-types.js";
import { GitHubError, bodyOf, intParam } from "./route-types.js";

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

/** Requested permissions must be a subset of what the installation granted. */
function narrowPermissions(granted: Permissions, requested: Json | undefined): Permissions {
  if (!isObject(requested)) return { ...granted };
  const out: Permissions = {};
  for (const [name, level] of Object.entries(requested)) {
    const have = granted[name];
    if (!have || (have === "read" && level === "write")) {
      throw new GitHubError(422, "The permissions requested are not granted to this installation.");
    }
    out[name] = level as "read" | "write";
  }
  return out;
}

/** The repositories a token is restricted to (by name or id), or null for all of the installation's. */
function scopeRepositories(all: RepoRecord[], names: Json | undefined, ids: Json | undefined): RepoRecord[] | null {
  if (!Array.isArray(names) && !Array.isArray(ids)) return null;
  const wanted = [
    ...(Array.isArray(names) ? names.map((n) => all.find((r) => r.name.toLowerCase() === String(n).toLowerCase())) : []),
    ...(Array.isArray(ids) ? ids.map((id) => all.find((r) => r.id === id)) : []),
  ];
  if (wanted.some((r) => r === undefined)) {
    throw new GitHubError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
  }
  return [...new Set(wanted as RepoRecord[])];
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
      const b = bodyOf(req);
      const permissions = narrowPermissions(env.permissions, b["permissions"]);
      const scoped = scopeRepositories(reposOf(env, inst.id), b["repositories"], b["repository_ids"]);
      const token = newToken();
      const expiresAt = env.ctx.now() + env.tokenTtlMs;
      env.state.tokens.set(token, { token, installationId: inst.id, expiresAt, permissions, repositoryIds: scoped ? new Set(scoped.map((r) => r.id)) : null });
      const body = example(env.ctx, "installation-token");
      for (const key of ["single_file", "has_multiple_single_files", "single_file_paths", "repositories"]) delete body[key];
      Object.assign(body, { token, expires_at: isoTime(expiresAt), permissions, repository_selection: scoped ? "selected" : inst.repositorySelection });
      // GitHub lists repositories only for a token restricted to some of them.
      if (scoped) body["repositories"] = scoped.map((r) => renderRepo(env.ctx, r));
      return { status: 201, body };
    },
  },

  "GET /installation/repositories": {
    auth: "installation",
    handle(req, env) {
      if (req.auth.kind !== "installation") throw new GitHubError(401, "Bad credentials");
      const inst = env.state.installations.get(req.auth.installationId);
      const scope = req.auth.token.repositoryIds;
      const all = reposOf(env, req.auth.installationId).filter((r) => !scope || scope.has(r.id));
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
