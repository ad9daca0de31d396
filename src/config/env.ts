import { createPrivateKey, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { UsageError } from "../errors.js";

// The app's whole configuration, read once at start-up (Probot's variable names, but
// GITHUB_API_URL instead of GHE_HOST: see DESIGN.md). Every bad value is found in one pass
// and reported on one line naming the variables (issue 9, item 8); the key itself never
// appears in a message.

export interface AppConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  port: number;
  /** Bind address (Probot's HOST); null: every interface. */
  host: string | null;
  githubApiUrl: string;
  dataDir: string;
  logLevel: LogLevel;
  /** Finished deliveries are deleted this many days after they finished. */
  retentionDays: number;
  /** postgres://… to share the store and queue between instances; null: SQLite under dataDir. */
  databaseUrl: string | null;
  /** Deliveries run at once in this instance (never two of one repository). */
  workers: number;
  /** PostgreSQL: silence after which an instance is taken as dead and its jobs run elsewhere. */
  instanceLeaseMs: number;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every variable the app reads: none of them is handed to a child process (see child-env.ts). */
export const APP_ENV_VARS = [
  "APP_ID",
  "PRIVATE_KEY",
  "PRIVATE_KEY_PATH",
  "WEBHOOK_SECRET",
  "PORT",
  "HOST",
  "GITHUB_API_URL",
  "LEAKGUARD_DATA_DIR",
  "LEAKGUARD_RETENTION_DAYS",
  "LOG_LEVEL",
  "DATABASE_URL",
  "LEAKGUARD_WORKERS",
  "LEAKGUARD_INSTANCE_LEASE_SECONDS",
] as const;

const PEM = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+-----END (?:RSA )?PRIVATE KEY-----/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
// RFC 1123 host names; IP literals are checked with net.isIP.
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Plain http only reaches a server on this machine: the installation token must not cross a network in clear. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === "http:" && LOOPBACK.has(url.hostname);
}

const schema = z.object({
  APP_ID: z.string().regex(/^\d+$/, "must be the numeric App ID"),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(1, "must not be empty"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z
    .string()
    .refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), "must be an IP address or a host name")
    .optional(),
  GITHUB_API_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => new URL(u).protocol === "https:" || isLoopbackHttp(new URL(u)), "must be https (plain http only for a loopback test server)")
    .refine((u) => !new URL(u).username && !new URL(u).password, "must not hold credentials")
    .default("https://api.github.com"),
  LEAKGUARD_DATA_DIR: z.string().min(1, "must not be empty").default("./.leakguard"),
  LEAKGUARD_RETENTION_DAYS: z.coerce.number().int("must be a whole number of days").min(0).max(3650).default(7),
  LOG_LEVEL: z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`).default("info"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(?:ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  // The work is mostly waiting on GitHub and git over the network: twice the cores keeps them busy.
  // 0: an instance that only acknowledges and queues (PostgreSQL only: others run the jobs).
  LEAKGUARD_WORKERS: z.coerce.number().int().min(0).max(64).default(Math.min(16, 2 * availableParallelism())),
  LEAKGUARD_INSTANCE_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
});

export function readEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const named = new Set<string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "environment");
      if (named.has(name)) continue;
      named.add(name);
      problems.push(`${name} ${issue.code === "invalid_type" && env[name] === undefined ? "is required" : issue.message}`);
    }
  }
  let privateKey: string | null = null;
  try {
    privateKey = readPrivateKey(env["PRIVATE_KEY"], env["PRIVATE_KEY_PATH"], cwd, env["APP_ID"] ?? "0");
  } catch (err) {
    problems.push((err as Error).message);
  }
  // With SQLite this process is the only one that can run the queue: with no worker, nothing would.
  if (parsed.success && parsed.data.LEAKGUARD_WORKERS === 0 && !parsed.data.DATABASE_URL)
    problems.push("LEAKGUARD_WORKERS 0 (acknowledge and queue only) needs DATABASE_URL: with SQLite no other instance can run the jobs");
  if (!parsed.success || !privateKey || problems.length) throw new UsageError(problems.join("; "));
  const e = parsed.data;
  return {
    appId: e.APP_ID,
    privateKey,
    webhookSecret: e.WEBHOOK_SECRET,
    port: e.PORT,
    host: e.HOST ?? null,
    githubApiUrl: e.GITHUB_API_URL.replace(/\/+$/, ""),
    dataDir: resolve(cwd, e.LEAKGUARD_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    retentionDays: e.LEAKGUARD_RETENTION_DAYS,
    databaseUrl: e.DATABASE_URL ?? null,
    workers: e.LEAKGUARD_WORKERS,
    instanceLeaseMs: e.LEAKGUARD_INSTANCE_LEASE_SECONDS * 1000,
  };
}

function readPrivateKey(inline: string | undefined, path: string | undefined, cwd: string, appId: string): string {
  let pem: string;
  const name = inline ? "PRIVATE_KEY" : "PRIVATE_KEY_PATH";
  if (inline) {
    // Hosting dashboards often store the PEM on one line with literal "\n".
    pem = inline.includes("\\n") ? inline.replace(/\\n/g, "\n") : inline;
  } else if (path) {
    try {
      pem = readFileSync(resolve(cwd, path), "utf8");
    } catch (err) {
      throw new UsageError(`PRIVATE_KEY_PATH cannot be read: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
  } else {
    throw new UsageError("PRIVATE_KEY or PRIVATE_KEY_PATH is required");
  }
  if (!PEM.test(pem)) throw new UsageError(`${name} does not hold a PEM private key`);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // OpenSSL's reason is not shown: it is no help, and nothing about the key may be echoed.
    throw new UsageError(`${name} holds a PEM block that is not a readable private key`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new UsageError(`${name} is a${key.asymmetricKeyType === "ed25519" ? "n" : ""} ${key.asymmetricKeyType ?? "unknown"} key, not RSA: GitHub App keys are RSA (RS256)`);
  signTestJwt(key, appId);
  return pem;
}

/** The JWT auth-app will sign for every token request, signed once now so that a key that cannot sign fails the start. */
function signTestJwt(key: KeyObject, appId: string): void {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const data = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iat: now - 30, exp: now + 60, iss: appId })}`;
  try {
    sign("sha256", Buffer.from(data), key);
  } catch {
    throw new UsageError("PRIVATE_KEY cannot sign a JWT with RS256");
  }
}
