import type { LabelRecord } from "./create-state.js";
import type { JsonObject } from "./load-spec.js";
import { paginate } from "./paginate.js";
import type { RenderContext } from "./render-context.js";
import { example, nodeId } from "./render-context.js";
import type { RouteEnv, RouteTable } from "./route-types.js";
import { GitHubError, bodyOf, repoFor } from "./route-types.js";

// Repository labels. Names are unique case-insensitively: creating an existing one is GitHub's
// 422 `already_exists`, which an app typically treats as "fine, it is there".

export function renderLabel(ctx: RenderContext, label: LabelRecord): JsonObject {
  const l = example(ctx, "label");
  Object.assign(l, {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${ctx.apiUrl}/repos/${label.repo}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    description: label.description,
    default: false,
  });
  return l;
}

/** The label with this name, created with GitHub's default colour when missing (as issue create does). */
export function ensureLabel(env: RouteEnv, repo: string, name: string): LabelRecord {
  const found = findLabel(env, repo, name);
  if (found) return found;
  const label: LabelRecord = { id: env.state.nextId(), repo, name, color: "ededed", description: null };
  env.state.labels.push(label);
  return label;
}

export function findLabel(env: RouteEnv, repo: string, name: string): LabelRecord | undefined {
  return env.state.labels.find((l) => l.repo === repo && l.name.toLowerCase() === name.toLowerCase());
}

export const labelRoutes: RouteTable = {
  "POST /repos/{owner}/{repo}/labels": {
    auth: "installation",
    permission: ["issues", "write"],
    handle(req, env) {
      const repo = repoFor(req, env);
      const b = bodyOf(req);
      const name = String(b["name"]);
      if (findLabel(env, repo.full_name, name)) {
        throw new GitHubError(422, "Validation Failed", { errors: [{ resource: "Label", code: "already_exists", field: "name" }] });
      }
      const color = typeof b["color"] === "string" ? b["color"].replace(/^#/, "") : "ededed";
      if (!/^[0-9a-fA-F]{6}$/.test(color)) {
        throw new GitHubError(422, "Validation Failed", { errors: [{ resource: "Label", code: "invalid", field: "color" }], invalidRequest: true });
      }
      const label: LabelRecord = { id: env.state.nextId(), repo: repo.full_name, name, color: color.toLowerCase(), description: typeof b["description"] === "string" ? b["description"] : null };
      env.state.labels.push(label);
      return { status: 201, body: renderLabel(env.ctx, label) };
    },
  },

  "GET /repos/{owner}/{repo}/labels/{name}": {
    auth: "installation",
    permission: ["issues", "read"],
    handle(req, env) {
      const label = findLabel(env, repoFor(req, env).full_name, req.pathParams["name"] ?? "");
      if (!label) throw new GitHubError(404, "Not Found");
      return { status: 200, body: renderLabel(env.ctx, label) };
    },
  },

  "GET /repos/{owner}/{repo}/labels": {
    auth: "installation",
    permission: ["issues", "read"],
    handle(req, env) {
      const all = env.state.labels.filter((l) => l.repo === repoFor(req, env).full_name);
      const page = paginate(all, env.ctx.apiUrl, req.pathname, req.query);
      return { status: 200, headers: page.headers, body: page.items.map((l) => renderLabel(env.ctx, l)) };
    },
  },
};
