import { Webhooks } from "@octokit/webhooks";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AppConfig } from "../config/env.js";
import type { AppContext } from "./context.js";
import type { Logger } from "./create-logger.js";
import { createLogger } from "./create-logger.js";
import type { GitHub } from "./github/create-octokit.js";
import { createInstallationOctokit } from "./github/create-octokit.js";
import { onInstallation } from "./handlers/on-installation.js";
import { onPush } from "./handlers/on-push.js";
import { createServer } from "./server.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import { openPostgresStore } from "./store/postgres-store.js";
import { createSqliteWorker } from "./store/sqlite-worker.js";
import { createPostgresWorker } from "./store/postgres-worker.js";
import type { Store } from "./store/store.js";
import type { Worker, WorkerOptions } from "./worker.js";

// Wiring: config -> store, GitHub clients, webhook routing, worker, HTTP server.

export interface StartOptions {
  log?: Logger;
  /** Bind address; loopback in tests. */
  host?: string;
  /** false: acknowledge and queue only (tests use it to stop between ack and processing). */
  processDeliveries?: boolean;
  retryBaseMs?: number;
  /** Spacing of one installation's writes to GitHub (default: GitHub's documented limit). */
  writeSpacingMs?: number;
  retryDelayMs?: number;
  pollMs?: number;
  /** Default 10 minutes. */
  scanBudgetMs?: number;
}

export interface RunningApp {
  url: string;
  port: number;
  store: Store;
  worker: Worker;
  close(): Promise<void>;
}

export async function startApp(config: AppConfig, opts: StartOptions = {}): Promise<RunningApp> {
  const log = opts.log ?? createLogger();
  const store = config.databaseUrl ? await openPostgresStore(config.databaseUrl) : openSqliteStore(config.dataDir);
  const clients = new Map<number, GitHub>();
  const ctx: AppContext = {
    store,
    log,
    dataDir: config.dataDir,
    scanBudgetMs: opts.scanBudgetMs ?? 10 * 60_000,
    github(installationId) {
      let gh = clients.get(installationId);
      if (!gh) {
        gh = createInstallationOctokit({ appId: config.appId, privateKey: config.privateKey, baseUrl: config.githubApiUrl, log, ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}), ...(opts.writeSpacingMs !== undefined ? { writeSpacingMs: opts.writeSpacingMs } : {}) }, installationId);
        clients.set(installationId, gh);
      }
      return gh;
    },
  };

  const webhooks = new Webhooks({ secret: config.webhookSecret, log: { debug: () => {}, info: () => {}, warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) } });
  webhooks.on("push", (e) => onPush(ctx, e.payload));
  webhooks.on("installation", (e) => onInstallation(ctx, e.payload, "installation"));
  webhooks.on("installation_repositories", (e) => onInstallation(ctx, e.payload, "installation_repositories"));

  const workerOptions: WorkerOptions = {
    log,
    concurrency: config.workers,
    handle: (d) => webhooks.receive({ id: d.id, name: d.name, payload: JSON.parse(d.payload) } as Parameters<typeof webhooks.receive>[0]),
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
  };
  const worker: Worker =
    store.kind === "postgres"
      ? createPostgresWorker(store, { ...workerOptions, leaseMs: config.instanceLeaseMs })
      : createSqliteWorker(store, workerOptions);
  const processing = opts.processDeliveries ?? true;
  const app = createServer({ webhooks, store, log, onEnqueued: () => processing && worker.kick() });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, opts.host ?? "0.0.0.0", () => resolve(s));
    s.once("error", reject);
  });
  if (processing) await worker.start();
  const port = (server.address() as AddressInfo).port;
  log.info({ port, dataDir: config.dataDir, githubApiUrl: config.githubApiUrl }, "leakguard app listening");

  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    port,
    store,
    worker,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.stop();
      await store.close();
    },
  };
}
