import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthConfig } from "./authenticate.js";
import { authenticate } from "./authenticate.js";
import type { ContentLimit } from "./content-limit.js";
import type { SecondaryLimits } from "./secondary-limits.js";
import { createsContent } from "./content-limit.js";
import type { FaultQueue } from "./faults.js";
import { FAULTS } from "./faults.js";
import type { Json, Spec } from "./load-spec.js";
import { matchOperation } from "./match-operation.js";
import type { Reply, RouteEnv, RouteTable } from "./route-types.js";
import { GitHubError } from "./route-types.js";
import { readBody, send } from "./http-io.js";
import { checkRequest, checkResponse } from "./validate-against-spec.js";

// One request through the double: parse, match to a spec operation, check it against the spec,
// maybe inject a fault, authenticate, run the stateful route, check our own answer, record.

export type ViolationKind = "unknown-route" | "invalid-json" | "request-params" | "request-body" | "not-implemented" | "response-body";

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  operationId: string | undefined;
  problems: string[];
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The spec template it matched, e.g. /repos/{owner}/{repo}/issues. */
  template: string | undefined;
  operationId: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (or the raw text when it was not JSON; undefined when empty). */
  body: Json | undefined;
  rawBody: string;
  status: number;
  /** Date.now() at arrival and when the answer was out (0 until then): how busy a client kept us. */
  arrivedAt: number;
  answeredAt: number;
  /** The client's port: which process sent it (a benchmark kills the sender mid-request). */
  remotePort: number;
}

export interface PipelineDeps {
  spec: Spec;
  routes: RouteTable;
  env: RouteEnv;
  auth: AuthConfig;
  faults: FaultQueue;
  violations: Violation[];
  requests: RecordedRequest[];
  validateResponses: boolean;
  /** Core rate-limit budget shown in x-ratelimit-* headers; each answer spends one. */
  rate: { remaining: number };
  /** Present when the test turned on GitHub's content-creation limit. */
  contentLimit: ContentLimit | undefined;
  /** Present when the test turned on GitHub's secondary limits per installation. */
  secondaryLimits?: SecondaryLimits | undefined;
  latencyMs: number;
}

const DOCS = "https://docs.github.com/rest";

export async function handleRequest(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://double.invalid");
  const path = url.pathname + url.search;
  // Concurrency is counted per credential from arrival to answer.
  const who = headerOf(req, "authorization") ?? "";
  const arrivedAt = Date.now();
  deps.secondaryLimits?.enter(who);
  let record: RecordedRequest | undefined;
  res.once("close", () => {
    deps.secondaryLimits?.leave(who);
    if (record) record.answeredAt = Date.now();
  });
  const rawBody = await readBody(req);
  if (deps.latencyMs) await new Promise((r) => setTimeout(r, deps.latencyMs));
  record = { method, path, template: undefined, operationId: undefined, headers: req.headers, body: undefined, rawBody, status: 0, arrivedAt, answeredAt: 0, remotePort: req.socket.remotePort ?? 0 };
  deps.requests.push(record);
  const violate = (kind: ViolationKind, problems: string[]): void => {
    deps.violations.push({ kind, method, path, operationId: record.operationId, problems });
  };
  const reply = (r: Reply): void => {
    record.status = r.status;
    send(res, r, deps.env.ctx.now(), deps.rate);
  };
  const fail = (status: number, message: string, errors?: Json[]): void =>
    reply({ status, body: { message, documentation_url: DOCS, status: String(status), ...(errors ? { errors } : {}) } });

  let body: Json | undefined;
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody) as Json;
      record.body = body;
    } catch {
      record.body = rawBody;
      violate("invalid-json", ["request body is not JSON"]);
      return fail(400, "Problems parsing JSON");
    }
  }

  const match = matchOperation(deps.spec, method, url.pathname);
  if (match.kind !== "operation") {
    const why = match.kind === "unknown-route" ? "no such route in GitHub's REST API" : `method not allowed (allowed: ${match.allowed.join(", ")})`;
    violate("unknown-route", [`${method} ${url.pathname}: ${why}`]);
    return fail(404, "Not Found");
  }
  const { operation, pathParams } = match;
  record.template = operation.template;
  record.operationId = operation.operationId;

  const contentType = req.headers["content-type"];
  // Recorded now, answered after authentication: GitHub checks credentials before the body.
  const problems = checkRequest(deps.spec, operation, { pathParams, query: url.searchParams, contentType, body });
  if (problems.params.length > 0) violate("request-params", problems.params);
  if (problems.body.length > 0) violate("request-body", problems.body);
  const invalid = [...problems.params, ...problems.body];

  const fault = deps.faults.take(method, url.pathname, operation.template);
  if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.drop && !fault.applied) {
    record.status = 0;
    res.socket?.destroy();
    return;
  }
  if (fault && !fault.pass && !fault.applied) {
    return reply({ status: fault.status, body: fault.body ?? { message: "Injected fault", documentation_url: DOCS }, ...(fault.headers ? { headers: fault.headers } : {}) });
  }

  const route = deps.routes[`${method} ${operation.template}`];
  if (!route) {
    if (invalid.length > 0) return fail(422, `Invalid request.\n\n${invalid.join("\n")}`);
    violate("not-implemented", [`the double does not simulate ${operation.operationId} (${method} ${operation.template}); add it to a routes-*.ts file`]);
    return fail(501, `github-double: ${operation.operationId} is not simulated`);
  }
  try {
    const auth = authenticate(headerOf(req, "authorization"), route.auth, deps.auth);
    if (route.permission && auth.kind === "installation" && !allows(auth.token.permissions, route.permission)) {
      // GitHub names the permission that would have worked.
      const [name, level] = route.permission;
      return reply({ status: 403, headers: { "x-accepted-github-permissions": `${name}=${level}` }, body: { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" } });
    }
    if (invalid.length > 0) return fail(422, `Invalid request.\n\n${invalid.join("\n")}`);
    const limited = auth.kind === "installation" && deps.secondaryLimits ? deps.secondaryLimits.admit(`installation-${auth.installationId}`, who, method, operation.template, deps.env.ctx.now()) : 0;
    const wait = limited || (deps.contentLimit && createsContent(method, operation.template) ? deps.contentLimit.admit(deps.env.ctx.now()) : 0);
    if (wait > 0) {
      const limited = FAULTS.secondaryRateLimit(wait);
      return reply({ status: limited.status, body: limited.body ?? null, ...(limited.headers ? { headers: limited.headers } : {}) });
    }
    const out = route.handle({ method, pathname: url.pathname, query: url.searchParams, pathParams, body, headers: req.headers, auth }, deps.env);
    if (fault?.applied) {
      if (fault.drop) {
        record.status = 0;
        res.socket?.destroy();
        return;
      }
      return reply({ status: fault.status, body: fault.body ?? { message: "Injected fault", documentation_url: DOCS }, ...(fault.headers ? { headers: fault.headers } : {}) });
    }
    if (deps.validateResponses && out.status < 300 && out.raw === undefined) {
      const wrong = checkResponse(deps.spec, operation, out.status, out.body);
      if (wrong.length > 0) violate("response-body", wrong);
    }
    reply(out);
  } catch (err) {
    if (!(err instanceof GitHubError)) throw err;
    if (err.invalidRequest) violate("request-body", [err.message]);
    return fail(err.status, err.message, err.errors);
  }
}

function allows(granted: Record<string, "read" | "write">, [name, level]: readonly [string, "read" | "write"]): boolean {
  const have = granted[name];
  return have === "write" || (have === "read" && level === "read");
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
