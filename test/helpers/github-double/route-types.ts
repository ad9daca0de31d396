import type { GitHubState, Permissions, RepoRecord, TokenRecord } from "./create-state.js";
import type { Json } from "./load-spec.js";
import type { RenderContext } from "./render-context.js";

// The contract between the server pipeline and the per-resource route files.

export type Auth = { kind: "app" } | { kind: "installation"; installationId: number; token: TokenRecord };

export interface RouteRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  pathParams: Record<string, string>;
  body: Json | undefined;
  /** Lower-case request headers. */
  headers: Record<string, string | string[] | undefined>;
  auth: Auth;
}

export interface Reply {
  status: number;
  body?: Json;
  /** A non-JSON body (e.g. a file under the raw media type); sent as is, not validated. */
  raw?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
}

export interface RouteEnv {
  state: GitHubState;
  ctx: RenderContext;
  tokenTtlMs: number;
  /** What the installation granted the app (its manifest's default_permissions). */
  permissions: Permissions;
}

export interface RouteDef {
  /** Which credential GitHub demands: the app's JWT, or an installation token. */
  auth: "app" | "installation";
  /** The installation permission the route needs, e.g. ["issues", "write"] (GitHub: 403 otherwise). */
  permission?: readonly [string, "read" | "write"];
  handle(req: RouteRequest, env: RouteEnv): Reply;
}

/** Keyed "METHOD /template" exactly as in the spec, e.g. "POST /repos/{owner}/{repo}/issues". */
export type RouteTable = Record<string, RouteDef>;

/** An error answer in GitHub's format; thrown by handlers, turned into a reply by the server. */
export class GitHubError extends Error {
  readonly status: number;
  readonly errors: Json[] | undefined;
  /** True when GitHub rejects the request as invalid (a rule the schema cannot express): also a violation. */
  readonly invalidRequest: boolean;
  constructor(status: number, message: string, options: { errors?: Json[]; invalidRequest?: boolean } = {}) {
    super(message);
    this.status = status;
    this.errors = options.errors;
    this.invalidRequest = options.invalidRequest ?? false;
  }
}

/** GitHub's 422 for a request the schema allows but GitHub's rules refuse; recorded as a violation. */
export function invalidRequest(message: string): GitHubError {
  return new GitHubError(422, message, { invalidRequest: true });
}

/** The repo named in the path, if this installation may see it; GitHub answers 404 otherwise. */
export function repoFor(req: RouteRequest, env: RouteEnv): RepoRecord {
  const owner = req.pathParams["owner"] ?? "";
  const name = req.pathParams["repo"] ?? "";
  const repo = env.state.repo(`${owner}/${name}`);
  const auth = req.auth;
  if (!repo || auth.kind !== "installation" || repo.installationId !== auth.installationId || (auth.token.repositoryIds && !auth.token.repositoryIds.has(repo.id))) {
    throw new GitHubError(404, "Not Found");
  }
  return repo;
}

export function intParam(req: RouteRequest, name: string): number {
  return Number.parseInt(req.pathParams[name] ?? "", 10);
}

/** A JSON object body as a record (validation against the spec has already run). */
export function bodyOf(req: RouteRequest): Record<string, Json> {
  const b = req.body;
  return typeof b === "object" && b !== null && !Array.isArray(b) ? b : {};
}
