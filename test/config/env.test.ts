import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";
import { UsageError } from "../../src/errors.js";
import { tempDir } from "../helpers/repo.js";

const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const base = { APP_ID: "12345", PRIVATE_KEY: pem, WEBHOOK_SECRET: "s3cret" };

describe("readEnv", () => {
  it("applies Probot-style defaults", () => {
    const c = readEnv(base, "/srv/app");
    expect(c).toEqual({
      appId: "12345",
      privateKey: pem,
      webhookSecret: "s3cret",
      port: 3000,
      githubApiUrl: "https://api.github.com",
      dataDir: "/srv/app/.leakguard",
    });
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
    [{ ...base, APP_ID: undefined }, "[leakguard] APP_ID is required"],
    [{ ...base, APP_ID: "abc" }, "[leakguard] APP_ID must be the numeric App ID"],
    [{ ...base, WEBHOOK_SECRET: "" }, "[leakguard] WEBHOOK_SECRET must not be empty"],
    [{ ...base, PRIVATE_KEY: undefined }, "[leakguard] PRIVATE_KEY or PRIVATE_KEY_PATH is required"],
    [{ ...base, PRIVATE_KEY: "not a key" }, "[leakguard] PRIVATE_KEY does not hold a PEM private key"],
    [{ ...base, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "/nonexistent/key.pem" }, "[leakguard] PRIVATE_KEY_PATH cannot be read: ENOENT"],
    [{ ...base, PORT: "http" }, /^\[leakguard\] PORT /],
    [{ ...base, GITHUB_API_URL: "ftp://x" }, /^\[leakguard\] GITHUB_API_URL /],
  ])("rejects bad configuration with one line naming the variable (%#)", (env, message) => {
    let err: unknown;
    try {
      readEnv(env as NodeJS.ProcessEnv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const text = (err as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
    expect(text).not.toContain("PRIVATE KEY-----");
  });
});
