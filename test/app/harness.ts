import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll } from "vitest";
import type { AppConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/app/create-logger.js";
import type { RunningApp, StartOptions } from "../../src/app/start-app.js";
import { startApp } from "../../src/app/start-app.js";
import { startGitHttpServer } from "../helpers/git-http-server.js";
import { acceptsInstallationToken } from "../helpers/accepts-installation-token.js";
import { startTokenGate } from "../helpers/token-gate.js";
import type { TokenGate } from "../helpers/token-gate.js";
import { makeTestApp, startGitHubDouble } from "../helpers/github-double/index.js";
import type { GitHubDouble, RepoRecord } from "../helpers/github-double/index.js";
import type { TestRepo } from "../helpers/repo.js";
import { deliverWebhook, makeWebhook } from "../helpers/webhook.js";
import { freshDatabase } from "../helpers/postgres.js";
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

export type StoreKind = "sqlite" | "postgres";
/** App scenarios that must hold whichever store the app runs on. */
export const STORE_KINDS: readonly StoreKind[] = ["sqlite", "postgres"];

/**
 * The environment of a `leakguard app` process for this world (test/helpers/app-process.ts):
 * its GitHub double, secret and store, 2 workers, a 2 s instance lease. `more` overrides.
 */
export function instanceEnv(world: World, more: Record<string, string> = {}): Record<string, string> {
  return {
    APP_ID: world.config.appId,
    PRIVATE_KEY: world.config.privateKey,
    WEBHOOK_SECRET: SECRET,
    GITHUB_API_URL: world.config.githubApiUrl,
    LEAKGUARD_DATA_DIR: world.dataDir,
    LEAKGUARD_WORKERS: "2",
    LEAKGUARD_INSTANCE_LEASE_SECONDS: "2",
    LOG_LEVEL: "debug",
    ...(world.config.databaseUrl ? { DATABASE_URL: world.config.databaseUrl } : {}),
    ...more,
  };
}

export async function createWorld(opts: { store?: StoreKind } = {}): Promise<World> {
  const testApp = makeTestApp();
  const gh = await startGitHubDouble({ app: testApp });
  served.push(gh);
  const installationId = gh.state.addInstallation({ account: "acme" }).id;
  const root = tempDir("leakguard-served-");
  const backend = await startGitHttpServer({ root });
  served.push(backend);
  const git = await startTokenGate({
    target: backend.url,
    authorize: acceptsInstallationToken(gh),
  });
  served.push(git);
  const dataDir = tempDir("leakguard-data-");
  const logs: string[] = [];
  const config: AppConfig = {
    appId: String(testApp.appId),
    privateKey: testApp.privateKeyPem,
    webhookSecret: SECRET,
    port: 0,
    host: "127.0.0.1",
    githubApiUrl: gh.url,
    dataDir,
    databaseUrl: opts.store === "postgres" ? await freshDatabase() : null,
    workers: 4,
    instanceLeaseMs: 60_000,
    logLevel: "debug",
    retentionDays: 7,
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
      const app = await startApp(config, { log: createLogger(stream, "debug"), retryBaseMs: 5, retryDelayMs: 5, pollMs: 20, ...opts });
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

/** Every file under `dir` (recursively), but not inside git object stores: the mirrors hold the repository as it is. */
/** Pushes `repo`'s work repository, delivers that push and waits for the app: the push's check run. */
export async function pushAndCheck(world: World, app: RunningApp, repo: ServedRepo) {
  const push = repo.push();
  await world.deliver(app, "push", repo.pushPayload(push));
  await settle(app);
  return world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after)!;
}

export function filesOutsideObjects(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === "objects" && existsSync(join(dir, "HEAD"))) continue;
      out.push(...filesOutsideObjects(path));
    } else out.push(path);
  }
  return out;
}

/**
 * The contract: no request the app sent to GitHub, no log line and no byte of any file
 * under the data dir outside git object stores (the database, WAL and SHM included, the
 * mirrors' refs and config) holds the full key.
 */
export function expectKeyNowhere(world: World, key: string): void {
  const bodies = world.gh.requests.map((r) => r.rawBody).join("\n");
  if (bodies.includes(key)) throw new Error("a request body sent to GitHub holds the full key");
  if (world.logs.join("\n").includes(key)) throw new Error("a log line holds the full key");
  const files = filesOutsideObjects(world.dataDir);
  if (world.config.databaseUrl) {
    // Every row of the shared database, the job queue's included, as pg_dump writes it.
    const dump = execFileSync("pg_dump", ["--data-only", world.config.databaseUrl], { maxBuffer: 1 << 28 });
    if (!dump.includes("leakguard")) throw new Error("the database dump is empty: nothing was searched");
    if (dump.includes(key)) throw new Error("a row of the PostgreSQL database holds the full key");
  } else if (!files.some((f) => f.endsWith("leakguard.db"))) throw new Error("no database under the data dir: nothing was searched");
  for (const path of files) if (readFileSync(path).includes(key)) throw new Error(`${path.slice(world.dataDir.length + 1)} holds the full key`);
}
