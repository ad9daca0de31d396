import { UsageError } from "../errors.js";
import type { AppConfig } from "../config/env.js";
import type { AppContext } from "./app-context.js";
import type { Logger } from "./create-logger.js";
import { createLogger } from "./create-logger.js";
import type { GitHub } from "./github/create-octokit.js";
import { stripAppSecrets } from "./child-env.js";
import { createAppOctokit, createInstallationOctokit } from "./github/create-octokit.js";
import type { GitHubOptions } from "./github/create-octokit.js";
import type { Budgets } from "./github/pace-requests.js";
import { findInstallation } from "./github/find-installation.js";
import { trustDelivery } from "./handlers/trust-delivery.js";
import { onInstallation, onRepositoryScan, REPO_SCAN_EVENT } from "./handlers/on-installation.js";
import { IN_PROGRESS_AFTER_MS } from "./github/track-check-run.js";
import { onPush } from "./handlers/on-push.js";
import { DoorStartError, startDoor } from "./start-door.js";
import type { RunningDoor } from "./start-door.js";
import { watchEventLoop } from "./watch-event-loop.js";
import { runMainThreadGitOffThread } from "../scan-worker/git-runner.js";
import { BACKGROUND_NICE } from "../scan-worker/scan-pool.js";
import { openSqliteStore } from "./store/sqlite-store.js";
import { openPostgresStore } from "./store/postgres-store.js";
import { createSqliteWorker } from "./store/sqlite-worker.js";
import { createPostgresWorker } from "./store/postgres-worker.js";
import type { Store } from "./store/store.js";
import type { Worker, WorkerOptions } from "./worker.js";
import { DEFAULT_MAX_ATTEMPTS } from "./worker.js";

// Wiring: config -> store, GitHub clients, webhook routing, worker, HTTP server. Whatever
// can be wrong with the machine (data dir, port, address) is a UsageError before the first
// delivery is accepted: one line and exit 2 at the CLI (issue 9, item 8).

const DAY_MS = 86_400_000;
/** Body digests (the replay guard) outlive the deliveries: at least this long. */
export const REPLAY_WINDOW_DAYS = 30;
const PURGE_EVERY_MS = 60 * 60_000;

export interface StartOptions {
  log?: Logger;
  /** Bind address, over config.host; loopback in tests. */
  host?: string;
  /** false: acknowledge and queue only (tests use it to stop between ack and processing). */
  processDeliveries?: boolean;
  retryBaseMs?: number;
  /** One installation's request budgets on GitHub (default: GitHub's documented limits, github/pace-requests.ts). */
  budgets?: Partial<Budgets>;
  retryDelayMs?: number;
  pollMs?: number;
  /** Default 10 minutes. */
  scanBudgetMs?: number;
  /** A job running longer gets an in_progress check run; default IN_PROGRESS_AFTER_MS. */
  inProgressAfterMs?: number;
  /** The webhook door died and could not be started again (start-door.ts): the app should stop. */
  onDoorLost?(err: Error): void;
}

/**
 * How long a job about to start waits for the webhook door to fall quiet (server.ts, Door):
 * a burst's acknowledgements are answered first, and a steady stream of deliveries delays
 * each job start by this much at most.
 */
const JOB_START_WAIT_MS = 100;

export interface RunningApp {
  url: string;
  port: number;
  /** The address the server is bound to (HOST). */
  address: string;
  store: Store;
  worker: Worker;
  close(): Promise<void>;
}

export async function startApp(config: AppConfig, opts: StartOptions = {}): Promise<RunningApp> {
  const log = opts.log ?? createLogger(undefined, config.logLevel);
  // The configuration is read: from here on no child process may inherit it (item 7).
  stripAppSecrets(process.env);
  // This thread answers webhooks: the jobs' git processes start from a thread of their own,
  // below its priority, as the scans run (git-runner.ts).
  runMainThreadGitOffThread({ nice: BACKGROUND_NICE });
  const store = config.databaseUrl ? await openPostgresStore(config.databaseUrl) : openSqliteStore(config.dataDir);
  const clients = new Map<number, GitHub>();
  let worker: Worker | null = null;
  const ghOptions: GitHubOptions = { appId: config.appId, privateKey: config.privateKey, baseUrl: config.githubApiUrl, log, ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}), ...(opts.budgets !== undefined ? { budgets: opts.budgets } : {}) };
  const appClient = createAppOctokit(ghOptions);
  let bot: Promise<string> | null = null;
  // LEAKGUARD_WORKERS=0 (PostgreSQL only): a receiver; the instances with workers run its deliveries.
  const processing = opts.processDeliveries ?? config.workers > 0;
  const ctx: AppContext = {
    store,
    log,
    dataDir: config.dataDir,
    scanBudgetMs: opts.scanBudgetMs ?? 10 * 60_000,
    github(installationId) {
      let gh = clients.get(installationId);
      if (!gh) {
        gh = createInstallationOctokit(ghOptions, installationId);
        clients.set(installationId, gh);
      }
      return gh;
    },
    githubApiUrl: config.githubApiUrl,
    installationOf: findInstallation(appClient),
    botLogin: () =>
      (bot ??= appClient.rest.apps.getAuthenticated().then(
        ({ data }) => `${data?.slug ?? ""}[bot]`,
        (err: unknown) => {
          bot = null; // asked again by the next job
          throw err;
        },
      )),
    async enqueue(d) {
      const fresh = await store.enqueue(d);
      if (fresh && processing) worker?.kick();
      return fresh;
    },
    inProgressAfterMs: opts.inProgressAfterMs ?? IN_PROGRESS_AFTER_MS,
  };

  // The door starts after the worker is made: until then a job has nothing to wait for.
  let doorQuiet = (_maxMs: number): Promise<void> => Promise.resolve();
  const maxAttempts = store.kind === "postgres" ? store.maxAttempts : DEFAULT_MAX_ATTEMPTS;
  const workerOptions: WorkerOptions = {
    log,
    concurrency: config.workers,
    maxAttempts,
    handle: async (d, batch) => {
      // Acknowledgements first: GitHub does not send again a delivery it timed out on.
      await doorQuiet(JOB_START_WAIT_MS);
      const payload = await trustDelivery(ctx, d.name, JSON.parse(d.payload), d.id, batch);
      const job = { deliveryId: d.id, attempt: d.attempts, lastAttempt: d.attempts >= maxAttempts, fresh: d.attempts === 1, batch };
      if (d.name === "push") await onPush(ctx, payload, job);
      else if (d.name === "installation" || d.name === "installation_repositories") await onInstallation(ctx, payload, d.name, job);
      else if (d.name === REPO_SCAN_EVENT) await onRepositoryScan(ctx, payload, job);
    },
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
  };
  worker =
    store.kind === "postgres"
      ? createPostgresWorker(store, { ...workerOptions, leaseMs: config.instanceLeaseMs })
      : createSqliteWorker(store, workerOptions);
  const purge = async () => {
    const now = Date.now();
    const removed = await store.purge({ deliveries: new Date(now - config.retentionDays * DAY_MS), digests: new Date(now - Math.max(config.retentionDays, REPLAY_WINDOW_DAYS) * DAY_MS) });
    if (removed.deliveries || removed.digests) log.info(removed, "finished deliveries past the retention period purged");
  };
  const host = opts.host ?? config.host ?? undefined;
  let door: RunningDoor;
  try {
    await purge();
    door = await startDoor({
      secret: config.webhookSecret,
      databaseUrl: config.databaseUrl ?? null,
      dataDir: config.dataDir,
      port: config.port,
      host: host ?? null,
      // A slow body holds one of the few in-flight slots (server.ts): GitHub itself gives up after 10 s.
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      log,
      onEnqueued: () => processing && worker?.kick(),
      lost: (err) => opts.onDoorLost?.(err),
    });
  } catch (err) {
    await store.close();
    throw err instanceof DoorStartError ? listenError(err, config.port, host) : err;
  }
  doorQuiet = door.quiet;
  if (processing) await worker.start();
  const unwatch = watchEventLoop(log, "jobs");
  const purger = setInterval(() => void purge().catch((err: unknown) => log.error({ err }, "purge failed")), PURGE_EVERY_MS);
  purger.unref();
  const { url, address } = door;
  log.info({ host: address, port: door.port, workers: processing ? config.workers : 0, dataDir: config.dataDir, githubApiUrl: config.githubApiUrl, retentionDays: config.retentionDays }, "leakguard app listening");

  return {
    url,
    port: door.port,
    address,
    store,
    worker,
    async close() {
      clearInterval(purger);
      unwatch();
      await door.close();
      await worker.stop();
      await store.close();
    },
  };
}

/** The listen errors a user can fix, as one line naming the variable. */
function listenError(err: unknown, port: number, host: string | undefined): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const where = host ? ` on HOST ${host}` : "";
  if (code === "EADDRINUSE") return new UsageError(`PORT ${port} is already in use${where}`);
  if (code === "EACCES") return new UsageError(`PORT ${port} needs privileges this process does not have${where}`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") return new UsageError(`HOST ${host ?? ""} is not an address of this machine (${code})`);
  return err;
}
