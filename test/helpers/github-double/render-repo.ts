import type { InstallationRecord, RepoRecord } from "./create-state.js";
import type { JsonObject } from "./load-spec.js";
import type { RenderContext } from "./render-context.js";
import { example, isoTime, loginId, nodeId, renderUser } from "./render-context.js";

// Repositories, installations and the app, in GitHub's shapes.

/** `full` is the GET /repos/{owner}/{repo} shape; otherwise the shorter list-item shape. */
export function renderRepo(ctx: RenderContext, repo: RepoRecord, full = false): JsonObject {
  const base = full ? example(ctx, "full-repository") : (example(ctx, "repository-paginated")["repositories"] as JsonObject[])[0]!;
  const text = JSON.stringify(base).replaceAll("octocat/Hello-World", repo.full_name);
  const r = JSON.parse(text) as JsonObject;
  for (const key of ["organization", "parent", "source", "template_repository", "security_and_analysis", "code_of_conduct"]) delete r[key];
  Object.assign(r, {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.full_name,
    owner: { ...renderUser(ctx, repo.owner), type: repo.ownerType },
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    description: repo.description,
    fork: false,
    html_url: repo.html_url,
    clone_url: repo.clone_url,
    git_url: repo.clone_url.replace(/^https?:/, "git:"),
    ssh_url: `git@github.com:${repo.full_name}.git`,
    svn_url: repo.html_url,
    homepage: null,
    language: null,
    license: null,
    has_discussions: false,
    default_branch: repo.default_branch,
    has_issues: repo.has_issues,
    archived: false,
    disabled: false,
    topics: [],
  });
  return r;
}

export function renderInstallation(ctx: RenderContext, inst: InstallationRecord): JsonObject {
  const i = example(ctx, "installation");
  const account = renderUser(ctx, inst.account);
  account["type"] = inst.accountType;
  delete i["single_file_paths"];
  delete i["has_multiple_single_files"];
  Object.assign(i, {
    id: inst.id,
    account,
    repository_selection: inst.repositorySelection,
    access_tokens_url: `${ctx.apiUrl}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${ctx.apiUrl}/installation/repositories`,
    html_url: `https://github.com/organizations/${inst.account}/settings/installations/${inst.id}`,
    app_id: ctx.app.id,
    app_slug: ctx.app.slug,
    single_file_name: null,
    target_id: loginId(inst.account),
    target_type: inst.accountType,
    permissions: ctx.permissions,
    events: ["push", "installation", "installation_repositories"],
    suspended_at: inst.suspended ? isoTime(ctx.now()) : null,
    suspended_by: null,
  });
  return i;
}

export function renderApp(ctx: RenderContext): JsonObject {
  const a = example(ctx, "integration");
  Object.assign(a, {
    id: ctx.app.id,
    slug: ctx.app.slug,
    node_id: nodeId("Integration", ctx.app.id),
    name: ctx.app.slug,
    html_url: `https://github.com/apps/${ctx.app.slug}`,
    permissions: ctx.permissions,
    events: ["push", "installation", "installation_repositories"],
  });
  return a;
}
