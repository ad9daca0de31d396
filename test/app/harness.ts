import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll } from "vitest";
import type { AppConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/app/create-logger.js";
import type { RunningApp, StartOptions } from "../../src/app/start-app.js";
import { startApp } from "../../src/app/start-app.js";
import { startGitHttpServer } from "../helpers/git-http-server.js";
import { startTokenGate } from "../helpers/token-gate.js";
import type { TokenGate } from "../helpers/token-gate.js";
import { makeTestApp, startGitHubDouble } from "../helpers/github-double/index.js";
import type { GitHubDouble, RepoRecord } from "../helpers/github-double/index.js";
import type { TestRepo } from "../helpers/repo.js";
import { deliverWebhook, makeWebhook } from "../helpers/webhook.js";
import { makeRepo, runGit, tempDir } from "../helpers/repo.js";

// The whole world of an app test, all real: the GitHub REST double (every request checked
// against the OpenAPI description), repositories served by `git http-backend` which accepts
// only tokens the double issued, the app on an ephemeral port, and GitHub's own example
// payloads signed with the webhook secret.

export const SECRET = "webhook-secret-for-tests";
/** A scenario is a few pushes, each a fetch and scans by real git processes: generous on a loaded CI box. */
export const E2E_TIMEOUT = 180_000;
const ZERO = "0".repeat(40);

// Payloads are GitHub's published examples (@octokit/webhooks-examples) with our repo,
// installation and refs laid over them, signed for real (test/helpers/webhook.ts).

export interface World {
  gh: GitHubDouble;
  /** The door to the git server: https-like URLs, token checked, headers recorded. */
  git: TokenGate;
  installationId: number;
  dataDir: string;
  logs: string[];
  config: AppConfig;
  start(opts?: StartOptions): Promise<RunningApp>;
  addRepo(name: string, opts?: { private?: boolean }): ServedRepo;
  /** Signs and POSTs; returns the HTTP status. */
  deliver(app: RunningApp, event: string, payload: unknown, opts?: { id?: string; signWith?: string }): Promise<{ status: number; id: string }>;
}

export interface ServedRepo {
  fullName: string;
  work: TestRepo;
  /** The served bare repository (what git http-backend serves), for pushes the helpers do not cover. */
  bare: string;
  record: RepoRecord;
  /** Pushes the work repo's branch (force) to the served bare repo; returns the push's before/after. */
  push(branch?: string): { before: string; after: string; ref: string };
  /** Deletes a branch of the served repo; returns the push as GitHub would describe it. */
  deleteBranch(branch: string): { before: string; after: string; ref: string };
  pushPayload(p: { before: string; after: string; ref: string }): Record<string, unknown>;
}

const served: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const s of served.splice(0).reverse()) await s.close();
});

export async function createWorld(): Promise<World> {
  const testApp = makeTestApp();
  const gh = await startGitHubDouble({ app: testApp });
  served.push(gh);
  const installationId = gh.state.addInstallation({ account: "acme" }).id;
  const root = tempDir("leakguard-served-");
  const backend = await startGitHttpServer({ root });
  served.push(backend);
  const git = await startTokenGate({
    target: backend.url,
    authorize: (h) => {
      const m = /^Basic (.+)$/.exec(h ?? "");
      const [user, token] = Buffer.from(m?.[1] ?? "", "base64").toString().split(":");
      const t = gh.state.tokens.get(token ?? "");
      return user === "x-access-token" && t !== undefined && t.expiresAt > Date.now();
    },
  });
  served.push(git);
  const dataDir = tempDir("leakguard-data-");
  const logs: string[] = [];
  const config: AppConfig = {
    appId: String(testApp.appId),
    privateKey: testApp.privateKeyPem,
    webhookSecret: SECRET,
    port: 0,
    githubApiUrl: gh.url,
    dataDir,
  };

  const world: World = {
    gh,
    git,
    installationId,
    dataDir,
    logs,
    config,
    async start(opts = {}) {
      const stream = new PassThrough();
      stream.on("data", (c: Buffer) => logs.push(...c.toString("utf8").split("\n").filter(Boolean)));
      const app = await startApp(config, { log: createLogger(stream, "debug"), host: "127.0.0.1", retryBaseMs: 5, retryDelayMs: 5, pollMs: 20, ...opts });
      served.push(app);
      return app;
    },
    addRepo(name, opts = {}) {
      const fullName = `acme/${name}`;
      const work = makeRepo();
      const bare = join(root, "acme", `${name}.git`);
      runGit(root, ["init", "-q", "--bare", bare]);
      const record = gh.state.addRepo({ owner: "acme", name, private: opts.private ?? false, clone_url: `${git.url}/acme/${name}.git` });
      return {
        fullName,
        work,
        bare,
        record,
        push(branch = "main") {
          const before = runGit(bare, ["for-each-ref", "--format=%(objectname)", `refs/heads/${branch}`]).trim() || ZERO;
          runGit(work.dir, ["push", "-q", "--force", bare, `${branch}:${branch}`]);
          return { before, after: runGit(bare, ["rev-parse", `refs/heads/${branch}`]).trim(), ref: `refs/heads/${branch}` };
        },
        deleteBranch(branch) {
          const before = runGit(bare, ["rev-parse", `refs/heads/${branch}`]).trim();
          runGit(bare, ["update-ref", "-d", `refs/heads/${branch}`]);
          return { before, after: ZERO, ref: `refs/heads/${branch}` };
        },
        pushPayload({ before, after, ref }) {
          return makeWebhook("push", { repo: record, installationId, ref, before, after, sender: "ada" }).payload;
        },
      };
    },
    async deliver(app, event, payload, opts = {}) {
      const id = opts.id ?? randomUUID();
      const hook = { event, deliveryId: id, payload: payload as Record<string, unknown>, body: JSON.stringify(payload) };
      const { status } = await deliverWebhook(`${app.url}/api/github/webhooks`, hook, { secret: opts.signWith ?? SECRET });
      return { status, id };
    },
  };
  return world;
}

/** GitHub's installation.created example, naming the given repositories. */
export function installationPayload(installationId: number, repos: string[]): Record<string, unknown> {
  const repositories = repos.map((full, i) => ({ owner: full.split("/")[0]!, name: full.split("/")[1]!, id: 1000 + i }));
  return makeWebhook("installation", { action: "created", installationId, repositories }).payload;
}

/** Waits for the worker to finish everything that can run now. */
export async function settle(app: RunningApp): Promise<void> {
  await app.worker.idle();
}

/**
 * The contract: no request the app sent to GitHub, no log line and no byte of the database
 * (WAL included) holds the full key.
 */
export function expectKeyNowhere(world: World, key: string): void {
  const bodies = world.gh.requests.map((r) => r.rawBody).join("\n");
  if (bodies.includes(key)) throw new Error("a request body sent to GitHub holds the full key");
  if (world.logs.join("\n").includes(key)) throw new Error("a log line holds the full key");
  for (const f of ["leakguard.db", "leakguard.db-wal"]) {
    const path = join(world.dataDir, f);
    if (existsSync(path) && readFileSync(path).includes(key)) throw new Error(`${f} holds the full key`);
  }
}
