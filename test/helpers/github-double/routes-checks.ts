import type { AnnotationRecord, CheckRunRecord } from "./create-state.js";
import type { JsonObject } from "./load-spec.js";
import { paginate } from "./paginate.js";
import { renderApp } from "./render-repo.js";
import type { RenderContext } from "./render-context.js";
import { example, isoTime, nodeId } from "./render-context.js";
import type { RouteEnv, RouteRequest, RouteTable } from "./route-types.js";
import { GitHubError, bodyOf, intParam, invalidRequest, repoFor } from "./route-types.js";

// Check runs with GitHub's rules: a completed run needs a conclusion, a conclusion completes the
// run, annotations come at most 50 per request (the schema's maxItems) and accumulate on update.

type Output = { title?: string; summary?: string; text?: string; annotations?: AnnotationRecord[] };

function checkRunOf(req: RouteRequest, env: RouteEnv): CheckRunRecord {
  const repo = repoFor(req, env);
  const run = env.state.checkRuns.find((c) => c.id === intParam(req, "check_run_id") && c.repo === repo.full_name);
  if (!run) throw new GitHubError(404, "Not Found");
  return run;
}

/** Applies a create/update body to a run, enforcing what GitHub enforces beyond the schema. */
function apply(run: CheckRunRecord, b: JsonObject, env: RouteEnv): void {
  if (typeof b["name"] === "string") run.name = b["name"];
  if (typeof b["details_url"] === "string") run.details_url = b["details_url"];
  if (typeof b["external_id"] === "string") run.external_id = b["external_id"];
  if (typeof b["started_at"] === "string") run.started_at = b["started_at"];
  if (typeof b["status"] === "string") run.status = b["status"] as CheckRunRecord["status"];
  if (typeof b["conclusion"] === "string") {
    run.conclusion = b["conclusion"];
    run.status = "completed";
  }
  if (typeof b["completed_at"] === "string") {
    run.completed_at = b["completed_at"];
    if (b["conclusion"] === undefined && run.conclusion === null) throw invalidRequest("Invalid request.\n\nconclusion is required when completed_at is given");
    run.status = "completed";
  }
  if (run.status === "completed" && run.conclusion === null) {
    throw invalidRequest("Invalid request.\n\nNo subschema in \"anyOf\" matched.\nconclusion is required when status is completed");
  }
  if (run.status === "completed" && run.completed_at === null) run.completed_at = isoTime(env.ctx.now());
  const out = b["output"] as Output | undefined;
  for (const a of out?.annotations ?? []) checkAnnotation(a);
  if (out) {
    if (out.title !== undefined) run.output.title = out.title;
    if (out.summary !== undefined) run.output.summary = out.summary;
    if (out.text !== undefined) run.output.text = out.text;
    run.output.annotations.push(...(out.annotations ?? []));
  }
}

/** Rules GitHub states in prose for annotations, which the schema does not encode. */
function checkAnnotation(a: AnnotationRecord): void {
  const where = `annotation ${a.path}:${a.start_line}`;
  if (a.end_line < a.start_line) throw invalidRequest(`Invalid request.\n\n${where}: end_line is before start_line`);
  if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
    throw invalidRequest(`Invalid request.\n\n${where}: start_column and end_column are only allowed when start_line equals end_line`);
  }
  if (a.start_line < 1) throw invalidRequest(`Invalid request.\n\n${where}: lines start at 1`);
}

export function renderCheckRun(ctx: RenderContext, run: CheckRunRecord): JsonObject {
  const c = example(ctx, "check-run");
  const api = `${ctx.apiUrl}/repos/${run.repo}/check-runs/${run.id}`;
  Object.assign(c, {
    id: run.id,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.head_sha,
    name: run.name,
    external_id: run.external_id ?? "",
    url: api,
    html_url: `https://github.com/${run.repo}/runs/${run.id}`,
    details_url: run.details_url,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${api}/annotations`,
    },
    check_suite: { id: run.id + 500_000 },
    app: renderApp(ctx),
    pull_requests: [],
  });
  return c;
}

export const checkRoutes: RouteTable = {
  "POST /repos/{owner}/{repo}/check-runs": {
    auth: "installation",
    permission: ["checks", "write"],
    handle(req, env) {
      const repo = repoFor(req, env);
      const b = bodyOf(req);
      if (repo.commits && !repo.commits.has(String(b["head_sha"]))) throw invalidRequest(`No commit found for SHA: ${String(b["head_sha"])}`);
      const run: CheckRunRecord = {
        id: env.state.nextId(),
        repo: repo.full_name,
        name: String(b["name"]),
        head_sha: String(b["head_sha"]),
        status: "queued",
        conclusion: null,
        started_at: isoTime(env.ctx.now()),
        completed_at: null,
        details_url: null,
        external_id: null,
        output: { title: null, summary: null, text: null, annotations: [] },
      };
      apply(run, b, env);
      env.state.checkRuns.push(run);
      return { status: 201, body: renderCheckRun(env.ctx, run) };
    },
  },

  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": {
    auth: "installation",
    permission: ["checks", "write"],
    handle(req, env) {
      const run = checkRunOf(req, env);
      // Validate on a copy so a refused update leaves the run as it was.
      const draft: CheckRunRecord = { ...run, output: { ...run.output, annotations: [...run.output.annotations] } };
      apply(draft, bodyOf(req), env);
      Object.assign(run, draft);
      return { status: 200, body: renderCheckRun(env.ctx, run) };
    },
  },

  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}": {
    auth: "installation",
    permission: ["checks", "read"],
    handle: (req, env) => ({ status: 200, body: renderCheckRun(env.ctx, checkRunOf(req, env)) }),
  },

  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations": {
    auth: "installation",
    permission: ["checks", "read"],
    handle(req, env) {
      const run = checkRunOf(req, env);
      const page = paginate(run.output.annotations, env.ctx.apiUrl, req.pathname, req.query);
      const body = page.items.map((a) => ({
        path: a.path,
        start_line: a.start_line,
        end_line: a.end_line,
        start_column: a.start_column ?? null,
        end_column: a.end_column ?? null,
        annotation_level: a.annotation_level,
        title: a.title ?? null,
        message: a.message,
        raw_details: a.raw_details ?? null,
        blob_href: `https://github.com/${run.repo}/blob/${run.head_sha}/${a.path}`,
      }));
      return { status: 200, body, headers: page.headers };
    },
  },

  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": {
    auth: "installation",
    permission: ["checks", "read"],
    handle(req, env) {
      const repo = repoFor(req, env);
      const ref = req.pathParams["ref"] ?? "";
      const name = req.query.get("check_name");
      const status = req.query.get("status");
      let runs = env.state.checkRuns.filter((c) => c.repo === repo.full_name && c.head_sha === ref && (name === null || c.name === name) && (status === null || c.status === status));
      // filter=latest (the default) keeps the newest run per name.
      if (req.query.get("filter") !== "all") runs = runs.filter((c) => !runs.some((d) => d.name === c.name && d.id > c.id));
      runs.sort((a, b) => b.id - a.id);
      const page = paginate(runs, env.ctx.apiUrl, req.pathname, req.query);
      return { status: 200, headers: page.headers, body: { total_count: runs.length, check_runs: page.items.map((r) => renderCheckRun(env.ctx, r)) } };
    },
  },
};
