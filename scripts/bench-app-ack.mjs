#!/usr/bin/env node
// How long the app takes to acknowledge a webhook: verify the signature, parse, redact, commit
// the delivery to SQLite (WAL, synchronous=FULL) and answer 202. The reference, measured in
// the same run on the same server, is a GET /healthz round trip (HTTP + express, no work).
// Usage: npm run build && node scripts/bench-app-ack.mjs [N]
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Webhooks } from "@octokit/webhooks";
import { createLogger } from "../dist/app/create-logger.js";
import { startApp } from "../dist/app/start-app.js";

const N = Number(process.argv[2] ?? 300);
const secret = "bench-secret";
const dataDir = mkdtempSync(join(tmpdir(), "leakguard-bench-"));
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const sink = new Writable({ write: (_c, _e, cb) => cb() });
const app = await startApp(
  { appId: "1", privateKey, webhookSecret: secret, port: 0, githubApiUrl: "http://127.0.0.1:9", dataDir },
  { processDeliveries: false, host: "127.0.0.1", log: createLogger(sink, "warn") },
);

const examples = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"));
const body = JSON.stringify(examples.find((d) => d.name === "push").examples[0]);
const signature = await new Webhooks({ secret }).sign(body);

async function time(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const ack = () =>
  fetch(`${app.url}/api/github/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": signature },
    body,
  }).then(async (r) => {
    if (r.status !== 202) throw new Error(`unexpected ${r.status}`);
    await r.arrayBuffer();
  });
const health = () => fetch(`${app.url}/healthz`).then((r) => r.arrayBuffer());

for (let i = 0; i < 20; i++) await ack(), await health(); // warm up
const a = [];
const h = [];
for (let i = 0; i < N; i++) {
  a.push(await time(ack)); // interleaved, so both see the same machine load
  h.push(await time(health));
}
const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const f = (x) => x.toFixed(2);
console.log(`payload ${body.length} bytes, ${N} deliveries`);
console.log(`ack      median ${f(q(a, 0.5))} ms  p95 ${f(q(a, 0.95))} ms`);
console.log(`healthz  median ${f(q(h, 0.5))} ms  p95 ${f(q(h, 0.95))} ms`);
console.log(`ratio ack/healthz: median ${f(q(a, 0.5) / q(h, 0.5))}x  p95 ${f(q(a, 0.95) / q(h, 0.95))}x`);
await app.close();
rmSync(dataDir, { recursive: true, force: true });
