// How long the app takes to acknowledge a webhook: verify the signature, parse, redact, commit
// the delivery to SQLite (WAL, synchronous=FULL) and answer 202. The reference, measured in
// the same run on the same server, is a GET /healthz round trip (HTTP + express, no work).
// The app is src/app (bundled by run-ts), in this process.
// Usage: node scripts/run-ts.mjs scripts/bench-app-ack.ts [N]
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Webhooks } from "@octokit/webhooks";
import { createLogger } from "../src/app/create-logger.js";
import { startApp } from "../src/app/start-app.js";
import { readEnv } from "../src/config/env.js";

const N = Number(process.argv[2] ?? 300);
const secret = "bench-secret";
const dataDir = mkdtempSync(join(tmpdir(), "leakguard-bench-"));
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const sink = new Writable({ write: (_c, _e, cb) => cb() });
// The configuration a deployment gets from its environment: every other setting at its default.
const config = readEnv({ APP_ID: "1", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: secret, PORT: "0", GITHUB_API_URL: "http://127.0.0.1:9", LEAKGUARD_DATA_DIR: dataDir });
const app = await startApp(config, { processDeliveries: false, host: "127.0.0.1", log: createLogger(sink, "warn") });

interface Example { name: string; examples: unknown[] }
const examples = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8")) as Example[];
const push = examples.find((d) => d.name === "push")?.examples[0] as Record<string, unknown>;
// Each delivery its own body: the app takes a body it has seen as a replay (200, not queued).
// Bodies and signatures are made before the clock starts.
const webhooks = new Webhooks({ secret });
const deliveries = await Promise.all(Array.from({ length: N + 20 }, async () => {
  const body = JSON.stringify({ ...push, after: randomBytes(20).toString("hex") });
  return { body, signature: await webhooks.sign(body) };
}));
const body = deliveries[0]!.body;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const ack = (): Promise<void> => {
  const d = deliveries.pop()!;
  return fetch(`${app.url}/api/github/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": d.signature },
    body: d.body,
  }).then(async (r) => {
    if (r.status !== 202) throw new Error(`unexpected ${r.status}`);
    await r.arrayBuffer();
  });
};
const health = (): Promise<ArrayBuffer> => fetch(`${app.url}/healthz`).then((r) => r.arrayBuffer());

for (let i = 0; i < 20; i++) await ack(), await health(); // warm up
const a: number[] = [];
const h: number[] = [];
for (let i = 0; i < N; i++) {
  a.push(await time(ack)); // interleaved, so both see the same machine load
  h.push(await time(health));
}
const q = (xs: number[], p: number): number => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const f = (x: number): string => x.toFixed(2);
console.log(`payload ${body.length} bytes, ${N} deliveries`);
console.log(`ack      median ${f(q(a, 0.5))} ms  p95 ${f(q(a, 0.95))} ms`);
console.log(`healthz  median ${f(q(h, 0.5))} ms  p95 ${f(q(h, 0.95))} ms`);
console.log(`ratio ack/healthz: median ${f(q(a, 0.5) / q(h, 0.5))}x  p95 ${f(q(a, 0.95) / q(h, 0.95))}x`);
await app.close();
rmSync(dataDir, { recursive: true, force: true });
