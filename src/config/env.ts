import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { UsageError } from "../errors.js";

// The app's whole configuration, read once at start-up (Probot's variable names, but
// GITHUB_API_URL instead of GHE_HOST: see DESIGN.md). A bad value stops the start with
// one line naming the variable; the key itself never appears in a message.

export interface AppConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  port: number;
  githubApiUrl: string;
  dataDir: string;
  /** postgres://… to share the store and queue between instances; null: SQLite under dataDir. */
  databaseUrl: string | null;
  /** Deliveries run at once in this instance (never two of one repository). */
  workers: number;
  /** PostgreSQL: silence after which an instance is taken as dead and its jobs run elsewhere. */
  instanceLeaseMs: number;
}

const PEM = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+-----END (?:RSA )?PRIVATE KEY-----/;

const schema = z.object({
  APP_ID: z.string().regex(/^\d+$/, "must be the numeric App ID"),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(1, "must not be empty"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  GITHUB_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.github.com"),
  LEAKGUARD_DATA_DIR: z.string().min(1).default("./.leakguard"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(?:ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  // The work is mostly waiting on GitHub and git over the network: twice the cores keeps them busy.
  LEAKGUARD_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.min(16, 2 * availableParallelism())),
  LEAKGUARD_INSTANCE_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
});

export function readEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const why = issue.code === "invalid_type" && env[name] === undefined ? "is required" : issue.message;
    throw new UsageError(`${name} ${why}`);
  }
  const e = parsed.data;
  return {
    appId: e.APP_ID,
    privateKey: readPrivateKey(e.PRIVATE_KEY, e.PRIVATE_KEY_PATH, cwd),
    webhookSecret: e.WEBHOOK_SECRET,
    port: e.PORT,
    githubApiUrl: e.GITHUB_API_URL.replace(/\/+$/, ""),
    dataDir: resolve(cwd, e.LEAKGUARD_DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    workers: e.LEAKGUARD_WORKERS,
    instanceLeaseMs: e.LEAKGUARD_INSTANCE_LEASE_SECONDS * 1000,
  };
}

function readPrivateKey(inline: string | undefined, path: string | undefined, cwd: string): string {
  let pem: string;
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
  if (!PEM.test(pem)) throw new UsageError(`${inline ? "PRIVATE_KEY" : "PRIVATE_KEY_PATH"} does not hold a PEM private key`);
  return pem;
}
