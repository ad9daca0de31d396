import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { runCli } from "../helpers/cli.js";
import { makeTestApp } from "../helpers/github-double/index.js";
import { tempDir } from "../helpers/repo.js";
import { createWorld } from "./harness.js";

// Issue 9, item 8: `leakguard app` validates everything before it listens; each mistake is
// one line on stderr and exit code 2, never an internal error or a server that answers ok.

const testApp = makeTestApp();

function env(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { APP_ID: String(testApp.appId), PRIVATE_KEY: testApp.privateKeyPem, WEBHOOK_SECRET: "s3cret", PORT: "0", HOST: "127.0.0.1", LEAKGUARD_DATA_DIR: tempDir("leakguard-data-"), GITHUB_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent", ...overrides };
}

async function expectRefused(overrides: Record<string, string | undefined>, message: string | RegExp): Promise<void> {
  const res = await runCli(["app"], { env: env(overrides) });
  expect(res.code).toBe(2);
  expect(res.stderr.endsWith("\n")).toBe(true);
  expect(res.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(res.stderr).toMatch(message);
  expect(res.stderr).not.toMatch(/internal error|PRIVATE KEY-----|at .*\.js:\d+/);
  expect(res.stdout).toBe(""); // nothing started, nothing logged as listening
}

describe("leakguard app at start-up", () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it("refuses a PEM with a garbage body", async () => {
    const garbage = testApp.privateKeyPem.replace(/\n[A-Za-z0-9+/]{64}\n/, `\n${"!".repeat(64)}\n`);
    await expectRefused({ PRIVATE_KEY: garbage }, "[leakguard] PRIVATE_KEY holds a PEM block that is not a readable private key\n");
  });

  it("refuses an Ed25519 key: GitHub signs app JWTs with RS256 only", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "app.pem"), generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }));
    await expectRefused({ PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: join(dir, "app.pem") }, "[leakguard] PRIVATE_KEY_PATH is an ed25519 key, not RSA: GitHub App keys are RSA (RS256)\n");
  });

  it("refuses a port already in use", async () => {
    const port = (busy.address() as AddressInfo).port;
    await expectRefused({ PORT: String(port) }, `[leakguard] PORT ${port} is already in use on HOST 127.0.0.1\n`);
  });

  it("refuses an unknown LOG_LEVEL", async () => {
    await expectRefused({ LOG_LEVEL: "loud" }, "[leakguard] LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent\n");
  });

  it("refuses a data dir that cannot be used", async () => {
    const file = join(tempDir(), "not-a-dir");
    writeFileSync(file, "");
    await expectRefused({ LEAKGUARD_DATA_DIR: join(file, "data") }, /^\[leakguard\] LEAKGUARD_DATA_DIR .*not-a-dir\/data cannot be used: ENOTDIR\n$/);
  });

  it("lists every missing or bad variable at once", async () => {
    await expectRefused({ APP_ID: undefined, WEBHOOK_SECRET: undefined, PORT: "http" }, /^\[leakguard\] APP_ID is required; WEBHOOK_SECRET is required; PORT .+\n$/);
  });

  it("binds to HOST (Probot's convention)", async () => {
    const world = await createWorld();
    world.config.host = "127.0.0.1";
    const app = await world.start(); // no host option: config.host (HOST) decides
    expect(app.address).toBe("127.0.0.1");
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
    await app.close();
  });

  it("binds the real CLI to HOST and answers on it", async () => {
    const child = spawn(process.execPath, [buildCli(), "app"], { env: { ...process.env, ...env({ LOG_LEVEL: "info" }) }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const listening = await new Promise<{ host: string; port: number }>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const line = out.split("\n").find((l) => l.includes("leakguard app listening"));
        if (line) resolve(JSON.parse(line) as { host: string; port: number });
      });
      child.once("exit", (code) => reject(new Error(`leakguard app exited (${code}): ${out}`)));
    });
    try {
      expect(listening.host).toBe("127.0.0.1");
      expect((await fetch(`http://127.0.0.1:${listening.port}/healthz`)).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
