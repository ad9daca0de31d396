import { createServer as createHttpServer } from "node:http";
import { getPriority, setPriority } from "node:os";
import type { AddressInfo } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { redactDeep } from "./redact-deep.js";
import type { DoorLog } from "./server.js";
import { createServer } from "./server.js";
import type { Store } from "./store/store.js";
import { warmUp } from "./warm-up.js";
import { watchEventLoop } from "./watch-event-loop.js";

// The webhook door's thread (start-door.ts): it owns the HTTP server and a store connection
// of its own, and does nothing but acknowledge. The jobs' thread hears from it, a message per
// turn at most: the log lines, that deliveries were queued, whether one is being received.

export interface DoorThreadData {
  secret: string;
  databaseUrl: string | null;
  dataDir: string;
  port: number;
  host: string | null;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** The door's nice (start-door.ts): a thread started again asks for it back. null: unknown. */
  nice?: number | null;
}

export type LogLevel = keyof DoorLog;
export type DoorMessage =
  | { t: "turn"; logs: { level: LogLevel; obj: unknown; msg: string }[]; enqueued: boolean; busy: boolean | null }
  | { t: "listening"; port: number; address: string; url: string }
  | { t: "failed"; code: string | null; message: string }
  | { t: "closed" };

const data = workerData as DoorThreadData;
const port = parentPort!;
const post = (m: DoorMessage) => port.postMessage(m);

let turn: Extract<DoorMessage, { t: "turn" }> | null = null;
const outbox = () => {
  if (!turn) {
    turn = { t: "turn", logs: [], enqueued: false, busy: null };
    setImmediate(() => {
      const m = turn!;
      turn = null;
      post(m);
    });
  }
  return turn;
};
// Redacted here too: what crosses to the other thread is already what the log may hold.
const line = (level: LogLevel) => (obj: object, msg: string) => void outbox().logs.push({ level, obj: redactDeep(obj), msg });
const log: DoorLog = { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };

async function main(): Promise<void> {
  if (typeof data.nice === "number")
    try {
      if (getPriority() > data.nice) setPriority(data.nice);
    } catch {
      // not permitted: this door answers at the jobs' priority until the app restarts
    }
  let store: Pick<Store, "enqueue" | "close">;
  try {
    // Only the store in use is loaded: PostgreSQL's brings pg and graphile-worker into every thread.
    store = data.databaseUrl
      ? await (await import("./store/postgres-store.js")).openPostgresStore(data.databaseUrl, { poolSize: 4, migrate: false, warm: true })
      : (await import("./store/sqlite-store.js")).openSqliteStore(data.dataDir);
  } catch (err) {
    return post({ t: "failed", code: null, message: (redactDeep(err) as { message?: string }).message ?? String(err) });
  }
  const door = createServer({
    secret: data.secret,
    store,
    log,
    onEnqueued: () => void (outbox().enqueued = true),
    onBusy: (busy) => void (outbox().busy = busy),
  });
  const server = createHttpServer(door.listener);
  server.requestTimeout = data.requestTimeoutMs;
  server.headersTimeout = data.headersTimeoutMs;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(data.port, data.host ?? undefined, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    const e = err as NodeJS.ErrnoException;
    return post({ t: "failed", code: e.code ?? null, message: e.message });
  }
  port.on("message", (m: { t: "close" }) => {
    if (m.t !== "close") return;
    server.close(() => void store.close().finally(() => post({ t: "closed" })));
    server.closeIdleConnections();
  });
  const address = server.address() as AddressInfo;
  const host = data.host;
  const shown = !host || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${shown}:${address.port}`;
  await warmUp(url, data.secret);
  watchEventLoop(log, "door");
  post({ t: "listening", port: address.port, address: address.address, url });
}

void main();
