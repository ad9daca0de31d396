import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";
import { UsageError } from "../../src/errors.js";
import { tempDir } from "../helpers/repo.js";

const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const ed25519 = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
// A PEM frame around bytes that are no key: passes a pattern check, fails any parser.
const garbage = pem.replace(/\n[A-Za-z0-9+/]{64}\n/, "\nthis-is-not-base64-at-all-" + "x".repeat(38) + "\n");
const base = { APP_ID: "12345", PRIVATE_KEY: pem, WEBHOOK_SECRET: "s3cret" };

describe("readEnv", () => {
  it("applies Probot-style defaults", () => {
    const c = readEnv(base, "/srv/app");
    expect(c).toEqual({
      appId: "12345",
      privateKey: pem,
      webhookSecret: "s3cret",
      port: 3000,
      host: null,
      githubApiUrl: "https://api.github.com",
      dataDir: "/srv/app/.leakguard",
      logLevel: "info",
      retentionDays: 7,
      databaseUrl: null,
      workers: Math.min(16, 2 * availableParallelism()),
      instanceLeaseMs: 60_000,
    });
  });

  it("takes PostgreSQL, the worker count and the instance lease; refuses what is not a postgres URL", () => {
    const c = readEnv({ ...base, DATABASE_URL: "postgres://lg:pw@db.internal:5432/leakguard", LEAKGUARD_WORKERS: "8", LEAKGUARD_INSTANCE_LEASE_SECONDS: "30" });
    expect([c.databaseUrl, c.workers, c.instanceLeaseMs]).toEqual(["postgres://lg:pw@db.internal:5432/leakguard", 8, 30_000]);
    expect(() => readEnv({ ...base, DATABASE_URL: "mysql://db/x", LEAKGUARD_WORKERS: "-1" })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL.*LEAKGUARD_WORKERS/);
  });

  it("takes LEAKGUARD_WORKERS=0 (acknowledge and queue only) with PostgreSQL, and refuses it with SQLite, where nothing else would run the jobs", () => {
    expect(readEnv({ ...base, DATABASE_URL: "postgres://lg:pw@db.internal/leakguard", LEAKGUARD_WORKERS: "0" }).workers).toBe(0);
    expect(() => readEnv({ ...base, LEAKGUARD_WORKERS: "0" })).toThrow(/^LEAKGUARD_WORKERS 0 \(acknowledge and queue only\) needs DATABASE_URL/);
  });

  it("reads the key from PRIVATE_KEY_PATH and accepts a one-line PEM with \\n escapes", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "key.pem"), pem);
    const { PRIVATE_KEY: _omit, ...rest } = base;
    expect(readEnv({ ...rest, PRIVATE_KEY_PATH: "key.pem" }, dir).privateKey).toBe(pem);
    expect(readEnv({ ...base, PRIVATE_KEY: pem.replace(/\n/g, "\\n") }).privateKey).toBe(pem);
  });

  it("takes PORT, GITHUB_API_URL and LEAKGUARD_DATA_DIR", () => {
    const c = readEnv({ ...base, PORT: "0", GITHUB_API_URL: "http://127.0.0.1:9/api/v3/", LEAKGUARD_DATA_DIR: "/var/lib/lg" });
    expect([c.port, c.githubApiUrl, c.dataDir]).toEqual([0, "http://127.0.0.1:9/api/v3", "/var/lib/lg"]);
  });

  it.each([
    [{ ...base, APP_ID: undefined }, "APP_ID is required"],
    [{ ...base, APP_ID: "abc" }, "APP_ID must be the numeric App ID"],
    [{ ...base, WEBHOOK_SECRET: "" }, "WEBHOOK_SECRET must not be empty"],
    [{ ...base, PRIVATE_KEY: undefined }, "PRIVATE_KEY or PRIVATE_KEY_PATH is required"],
    [{ ...base, PRIVATE_KEY: "not a key" }, "PRIVATE_KEY does not hold a PEM private key"],
    [{ ...base, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "/nonexistent/key.pem" }, "PRIVATE_KEY_PATH cannot be read: ENOENT"],
    [{ ...base, PORT: "http" }, /^PORT /],
    [{ ...base, GITHUB_API_URL: "ftp://x" }, /^GITHUB_API_URL /],
    // The token and JWTs would cross a network in clear.
    [{ ...base, GITHUB_API_URL: "http://ghe.example.com/api/v3" }, "GITHUB_API_URL must be https (plain http only for a loopback test server)"],
    [{ ...base, GITHUB_API_URL: "https://user:pw@ghe.example.com/api/v3" }, "GITHUB_API_URL must not hold credentials"],
    [{ ...base, PRIVATE_KEY: ed25519 }, "PRIVATE_KEY is an ed25519 key, not RSA: GitHub App keys are RSA (RS256)"],
    [{ ...base, PRIVATE_KEY: garbage }, "PRIVATE_KEY holds a PEM block that is not a readable private key"],
    [{ ...base, LOG_LEVEL: "loud" }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent"],
    [{ ...base, HOST: "not a host!" }, "HOST must be an IP address or a host name"],
    [{ ...base, LEAKGUARD_RETENTION_DAYS: "1.5" }, /^LEAKGUARD_RETENTION_DAYS /],
    [{ ...base, LEAKGUARD_RETENTION_DAYS: "-1" }, /^LEAKGUARD_RETENTION_DAYS /],
  ])("rejects bad configuration with one line naming the variable (%#)", (env, message) => {
    let err: unknown;
    try {
      readEnv(env as NodeJS.ProcessEnv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    // The message says what is wrong; the `[leakguard]` prefix is the edge's (cli/main.ts).
    const text = (err as Error).message;
    if (typeof message === "string") expect(text).toBe(message);
    else expect(text).toMatch(message);
    expect(text).not.toContain("\n");
    expect(text).not.toContain("PRIVATE KEY-----");
  });

  it("lists every bad variable in one line", () => {
    let err: unknown;
    try {
      readEnv({ APP_ID: "abc", PRIVATE_KEY: ed25519, WEBHOOK_SECRET: "", LOG_LEVEL: "loud", PORT: "http" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const text = (err as Error).message;
    expect(text).not.toContain("\n");
    for (const name of ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "LOG_LEVEL", "PORT"]) expect(text).toContain(name);
    expect(text.split("; ")).toHaveLength(5);
  });

  it("takes HOST, LOG_LEVEL, LEAKGUARD_RETENTION_DAYS and a loopback http API for tests", () => {
    const c = readEnv({ ...base, HOST: "127.0.0.1", LOG_LEVEL: "warn", LEAKGUARD_RETENTION_DAYS: "0", GITHUB_API_URL: "http://localhost:8080" });
    expect([c.host, c.logLevel, c.retentionDays, c.githubApiUrl]).toEqual(["127.0.0.1", "warn", 0, "http://localhost:8080"]);
    expect(readEnv({ ...base, HOST: "::1" }).host).toBe("::1");
  });
});
