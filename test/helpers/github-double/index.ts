/**
 * github-double: a local, stateful HTTP double of GitHub's REST API for a GitHub App's tests.
 *
 *   const app = makeTestApp();                       // RSA key pair made at test time
 *   const gh = await startGitHubDouble({ app });     // 127.0.0.1, ephemeral port
 *   const inst = gh.state.addInstallation({ account: "acme" });
 *   const repo = gh.state.addRepo({ owner: "acme", name: "shop", private: true, clone_url: gitUrl });
 *   repo.files.set(".github/leakguard.yml", "check:\n  fail_on: medium\n");
 *   const octokit = new Octokit({ baseUrl: gh.url, authStrategy: createAppAuth,
 *     auth: { appId: app.appId, privateKey: app.privateKeyPem, installationId: inst.id } });
 *   ...run the code under test...
 *   expect(gh.state.issuesOf("acme/shop")).toHaveLength(1);
 *   expect(gh.requestsContaining(rawKey)).toEqual([]);
 *   afterEach(() => gh.expectNoViolations()); afterAll(() => gh.close());
 *
 * Checking: every request is matched to an operation of GitHub's OpenAPI description
 * (@octokit/openapi) and its path/query parameters and JSON body are validated against it. An
 * unknown route (404), a bad parameter or body (422, GitHub's status for these), a rule GitHub
 * states only in prose (422: e.g. annotations, body length) or an operation the double does not
 * simulate (501) is answered AND recorded in `violations`. The double's own 2xx bodies are
 * validated too. `takeViolations()` is for tests that provoke some on purpose.
 *
 * Auth: installation routes need `token <ghs_…>` from POST /app/installations/{id}/access_tokens,
 * which needs an RS256 JWT signed by the app's key with `iss` = app id. Tokens expire after
 * `tokenTtlMs` on the double's clock (`now`), or at `expireTokens()`; a suspended or deleted
 * installation's tokens are refused. Each route needs an installation permission (`permissions`
 * option, default the manifest's least set): 403 "Resource not accessible by integration".
 *
 * Faults: `failNext({ method?, path, ...FAULTS.secondaryRateLimit(1), times? })` answers the next
 * matching request(s) with 5xx, 403/429 rate limits, 401, or a dropped connection, before any
 * state changes. `path` is a concrete path, a spec template or a RegExp. `contentCreationPerMinute`
 * turns on GitHub's limit on content-creating POSTs (a 403 secondary rate limit beyond it).
 *
 * Extending: pass `routes: { "METHOD /template": { auth, permission?, handle } }` (see
 * routes-*.ts); handlers throw GitHubError for GitHub's error answers.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { authorizeGit } from "./authorize-git.js";
import { createContentLimit } from "./content-limit.js";
import { createState } from "./create-state.js";
import { createSecondaryLimits } from "./secondary-limits.js";
import type { SecondaryLimitOptions } from "./secondary-limits.js";
import type { GitHubState, Permissions } from "./create-state.js";
import { createFaultQueue } from "./faults.js";
import type { FaultSpec } from "./faults.js";
import { handleRequest } from "./handle-request.js";
import type { PipelineDeps, RecordedRequest, Violation } from "./handle-request.js";
import { loadSpec } from "./load-spec.js";
import type { TestApp } from "./make-test-app.js";
import type { RouteTable } from "./route-types.js";
import { ROUTES } from "./routes.js";

export { makeTestApp } from "./make-test-app.js";
export type { TestApp } from "./make-test-app.js";
export { FAULTS } from "./faults.js";
export { GITHUB_SECONDARY_LIMITS } from "./secondary-limits.js";
export type { SecondaryLimitOptions } from "./secondary-limits.js";
export type { FaultSpec } from "./faults.js";
export type { Violation, RecordedRequest } from "./handle-request.js";
export type * from "./create-state.js";
export type { Reply, RouteDef, RouteEnv, RouteRequest, RouteTable } from "./route-types.js";
export { GitHubError, bodyOf, invalidRequest, repoFor } from "./route-types.js";
export { paginate } from "./paginate.js";

/** The least permissions issue 4's app asks for. */
export const DEFAULT_PERMISSIONS: Permissions = { contents: "read", issues: "write", checks: "write", metadata: "read" };

export interface GitHubDoubleOptions {
  app: TestApp;
  /** Lifetime of installation tokens; GitHub's is one hour. */
  tokenTtlMs?: number;
  /** The double's clock (ms since epoch), for token expiry and timestamps; default Date.now. */
  now?: () => number;
  /** Validate the double's own 2xx bodies against the spec (default true). */
  validateResponses?: boolean;
  /**
   * What the installation grants the app (its manifest's default_permissions); routes needing
   * more answer 403 "Resource not accessible by integration". Default: DEFAULT_PERMISSIONS.
   */
  permissions?: Permissions;
  /**
   * Turn on GitHub's secondary limit on content creation (GitHub: 80 per minute): POSTs beyond
   * it within a minute of the double's clock get 403 "secondary rate limit" with `retry-after`.
   */
  contentCreationPerMinute?: number;
  /**
   * Turn on GitHub's secondary limits per installation (secondary-limits.ts: 80 content-generating
   * requests a minute and 500 an hour, 900 points a minute per endpoint, 100 concurrent): a request
   * beyond them gets 403 "secondary rate limit" with `retry-after`, counted in `rateLimited`.
   * `true`: GitHub's numbers; an object overrides some (tests shrink the windows).
   */
  secondaryLimits?: boolean | Partial<SecondaryLimitOptions>;
  /** Extra or replacement routes, keyed "METHOD /template" as in the spec. */
  routes?: RouteTable;
  /** Answer every request this much later, as GitHub across a network does (benchmarks). */
  latencyMs?: number;
}

export interface GitHubDouble {
  /** Base URL to give Octokit as `baseUrl` (no trailing slash). */
  url: string;
  state: GitHubState;
  requests: RecordedRequest[];
  violations: Violation[];
  /** Fails the next matching request(s) with the given answer. */
  failNext(fault: FaultSpec): void;
  /** Returns the violations seen so far and forgets them (for tests that provoke some on purpose). */
  takeViolations(): Violation[];
  /** Throws a readable error listing every spec violation seen so far, then forgets them. */
  expectNoViolations(): void;
  /** Requests whose path, headers or body contain `text` (e.g. a raw key that must never be sent). */
  requestsContaining(text: string): RecordedRequest[];
  /**
   * Would GitHub let git in with this Authorization header (Basic x-access-token:<token>) to
   * `owner/name`? For a test's git HTTP server, so git and the API agree on tokens.
   */
  authorizeGit(authorization: string | null | undefined, fullName: string): boolean;
  /** Requests answered 403 because they exceeded the secondary limits (`secondaryLimits`). */
  readonly rateLimited: number;
  /** Makes every installation token issued so far expired. */
  expireTokens(): void;
  close(): Promise<void>;
}

export async function startGitHubDouble(options: GitHubDoubleOptions): Promise<GitHubDouble> {
  const spec = loadSpec();
  const now = options.now ?? Date.now;
  const state = createState();
  const faults = createFaultQueue();
  const permissions = options.permissions ?? DEFAULT_PERMISSIONS;
  const deps: PipelineDeps = {
    spec,
    routes: { ...ROUTES, ...(options.routes ?? {}) },
    env: {
      state,
      ctx: { spec, apiUrl: "", app: { id: options.app.appId, slug: options.app.slug }, permissions, now },
      tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
      permissions,
    },
    auth: { appId: options.app.appId, publicKey: options.app.publicKey, state, now },
    faults,
    violations: [],
    requests: [],
    validateResponses: options.validateResponses ?? true,
    rate: { remaining: 5000 },
    contentLimit: options.contentCreationPerMinute !== undefined ? createContentLimit(options.contentCreationPerMinute) : undefined,
    latencyMs: options.latencyMs ?? 0,
    secondaryLimits: options.secondaryLimits ? createSecondaryLimits(options.secondaryLimits === true ? {} : options.secondaryLimits) : undefined,
  };
  const server = createServer((req, res) => {
    handleRequest(deps, req, res).catch((err: unknown) => {
      // A bug in the double must not look like a GitHub answer: 500 plus a violation.
      deps.violations.push({ kind: "response-body", method: req.method ?? "", path: req.url ?? "", operationId: undefined, problems: [`double crashed: ${String(err)}`] });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "github-double internal error" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deps.env.ctx.apiUrl = url;
  return {
    url,
    state,
    requests: deps.requests,
    violations: deps.violations,
    failNext: (fault) => faults.add(fault),
    takeViolations: () => deps.violations.splice(0),
    expectNoViolations() {
      const seen = deps.violations.splice(0);
      if (seen.length === 0) return;
      const lines = seen.map((v) => `- [${v.kind}] ${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ""}: ${v.problems.join("; ")}`);
      throw new Error(`[github-double] ${seen.length} request(s) GitHub would reject or the double cannot answer:\n${lines.join("\n")}`);
    },
    requestsContaining: (text) => deps.requests.filter((r) => r.path.includes(text) || r.rawBody.includes(text) || JSON.stringify(r.headers).includes(text)),
    get rateLimited() {
      return deps.secondaryLimits?.refused ?? 0;
    },
    authorizeGit: (authorization, fullName) => authorizeGit(deps.auth, authorization, fullName),
    expireTokens() {
      for (const t of state.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now());
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
