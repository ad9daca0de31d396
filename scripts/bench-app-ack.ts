// Where an acknowledgement's time goes, layer by layer, under a burst: the same signed push
// deliveries, from the same sender (scripts/lib/send-burst.ts, its own thread, keep-alive
// connections), against servers in this process that each add one layer of the app's door:
//   http      node:http reads the body and answers 202: the floor (the sender's and the box's part)
//   express   express with the app's body reading (express.raw), answering 202: the framework
//   door      the app's webhook door (src/app/server.ts: headers, budget, signature, JSON,
//             payload reduction and redaction, the log line) over a store that keeps nothing
//   sqlite    the same door over the SQLite store (WAL, group commit with synchronous=FULL)
//   postgres  the same door over the PostgreSQL store (LEAKGUARD_TEST_PG), with --pg
// No job runs: this is the acknowledgement alone. "cpu ms/ack" is the CPU the answering
// thread spent during the bursts, per acknowledgement (the sender has a thread of its own). Rounds alternate between the layers so that
// each sees the same machine; the figures are the acks of every round together.
// Usage: node scripts/run-ts.mjs scripts/bench-app-ack.ts [--deliveries 300] [--rounds 5]
//   [--connections 32] [--pg]
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { Server } from "node:http";
import { parseArgs } from "node:util";
import express from "express";
import { pino } from "pino";
import { createLogger } from "../src/app/create-logger.js";
import { createServer, WEBHOOK_PATH } from "../src/app/server.js";
import { openPostgresStore } from "../src/app/store/postgres-store.js";
import { openSqliteStore } from "../src/app/store/sqlite-store.js";
import type { Store } from "../src/app/store/store.js";
import { freshDatabase } from "../test/helpers/postgres.js";
import { tempDir } from "../test/helpers/repo.js";
import { makeWebhook, webhookRequest } from "../test/helpers/webhook.js";
import { quantile, sendBurst } from "./lib/send-burst.js";
import { runCleanups } from "./lib/vitest-outside.js";

const { values: args } = parseArgs({
  options: {
    deliveries: { type: "string", default: "300" },
    rounds: { type: "string", default: "5" },
    connections: { type: "string", default: "32" },
    pg: { type: "boolean", default: false },
  },
});
const N = Number(args.deliveries);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const SECRET = "bench-secret";

/** A burst of N distinct pushes (a body seen before is a replay, not queued), signed before any clock. */
async function burst() {
  return Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const after = randomUUID().replace(/-/g, "").padEnd(40, "0");
      const hook = makeWebhook("push", { repo: { owner: "acme", name: `repo${i % 12}` }, installationId: 1 + (i % 3), ref: "refs/heads/main", before: "1".repeat(40), after, sender: "ada" });
      return { path: WEBHOOK_PATH, ...(await webhookRequest({ ...hook, deliveryId: randomUUID() }, { secret: SECRET })) };
    }),
  );
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

/** The store that keeps nothing: every delivery is new. */
const nowhere = { kind: "sqlite", enqueue: () => Promise.resolve(true) } as unknown as Store;
// Production logs to stdout through pino's asynchronous destination: here the same, to /dev/null.
const log = () => createLogger(pino.destination({ dest: "/dev/null", sync: false }) as unknown as NodeJS.WritableStream, "info");

const layers: { name: string; url: string; close(): Promise<void> }[] = [];
async function addLayer(name: string, handler: Parameters<typeof createHttpServer>[1], close: () => Promise<void> = async () => {}) {
  const server = createHttpServer(handler);
  server.keepAliveTimeout = 60_000;
  layers.push({ name, url: await listen(server), close: async () => (server.closeAllConnections(), server.close(), await close()) });
}

await addLayer("http", (req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(req.method === "POST" ? 202 : 200, { "content-type": "application/json" });
    res.end('{"status":"queued"}');
  });
});
const bare = express();
bare.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: 25 * 1024 * 1024 }), (_req, res) => void res.status(202).json({ status: "queued" }));
bare.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
await addLayer("express", bare);
await addLayer("door", createServer({ secret: SECRET, store: nowhere, log: log(), onEnqueued: () => {} }).listener);
const sqlite = openSqliteStore(tempDir("leakguard-bench-ack-"));
await addLayer("sqlite", createServer({ secret: SECRET, store: sqlite, log: log(), onEnqueued: () => {} }).listener, async () => sqlite.close());
if (args.pg) {
  const pg = await openPostgresStore(await freshDatabase());
  await addLayer("postgres", createServer({ secret: SECRET, store: pg, log: log(), onEnqueued: () => {} }).listener, () => pg.close());
}

const acks = new Map<string, number[]>(layers.map((l) => [l.name, []]));
const spans = new Map<string, number[]>(layers.map((l) => [l.name, []]));
/**
 * CPU this thread (the one that answers) spent, in ms, from /proc (Linux; the main thread's
 * task id is the pid): CPU, not wall time, so that time the machine gave to others is not counted.
 */
function threadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
/** CPU this thread spent during the layer's bursts. */
const busy = new Map<string, number>(layers.map((l) => [l.name, 0]));
// A first round each, not counted: the first answers of a fresh server pay for compilation.
for (let round = -1; round < ROUNDS; round++) {
  for (const layer of layers) {
    const requests = (await burst()).map((r) => ({ url: layer.url + r.path, headers: r.headers, body: r.body }));
    const t = performance.now();
    const cpu = threadCpuMs();
    const sent = await sendBurst(requests, CONNECTIONS);
    const active = threadCpuMs() - cpu;
    if (sent.refused > 0) throw new Error(`${layer.name}: ${sent.refused} deliveries refused`);
    if (round < 0) continue;
    acks.get(layer.name)!.push(...sent.acks);
    spans.get(layer.name)!.push(performance.now() - t);
    busy.set(layer.name, busy.get(layer.name)! + active);
  }
}

const f = (x: number) => x.toFixed(1);
const floor = acks.get("http")!;
console.log(`${N} push deliveries a burst, ${CONNECTIONS} connections, ${ROUNDS} rounds a layer`);
console.log("layer     ack p50 ms  p99 ms  p99/floor  acks/s (burst)   cpu ms/ack");
for (const layer of layers) {
  const a = acks.get(layer.name)!;
  const perSecond = (N * ROUNDS) / (spans.get(layer.name)!.reduce((x, y) => x + y, 0) / 1000);
  console.log(`${layer.name.padEnd(10)}${f(quantile(a, 0.5)).padStart(10)}${f(quantile(a, 0.99)).padStart(8)}${(quantile(a, 0.99) / quantile(floor, 0.99)).toFixed(2).padStart(10)}x${perSecond.toFixed(0).padStart(14)}${(busy.get(layer.name)! / (N * ROUNDS)).toFixed(3).padStart(13)}`);
}
for (const l of layers) await l.close();
await runCleanups();
