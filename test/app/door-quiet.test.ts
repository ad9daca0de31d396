import { createHmac } from "node:crypto";
import { createServer as createHttpServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/create-logger.js";
import { createServer, WEBHOOK_PATH } from "../../src/app/server.js";
import { startDoor } from "../../src/app/start-door.js";
import { openSqliteStore } from "../../src/app/store/sqlite-store.js";
import { tempDir } from "../helpers/repo.js";

// A job about to start waits until no delivery is being received (start-app.ts): the door
// says when it is quiet. Acknowledgements first, because GitHub gives up on a slow one and
// never sends it again.

const SECRET = "door-quiet-secret";
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

async function door() {
  const store = openSqliteStore(tempDir("leakguard-door-"));
  const d = createServer({ secret: SECRET, store, log: createLogger(new PassThrough(), "warn"), onEnqueued: () => {} });
  const server = createHttpServer(d.listener);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => (server.closeAllConnections(), server.close(), store.close()));
  return { quiet: d.quiet, store, port: (server.address() as AddressInfo).port };
}

/** A signed delivery whose body is sent in two halves: the second when `finish` is called. */
function slowDelivery(port: number, id: string) {
  const body = Buffer.from(JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }));
  const req = request({ host: "127.0.0.1", port, path: WEBHOOK_PATH, method: "POST", headers: { "content-type": "application/json", "content-length": body.length, "x-github-event": "ping", "x-github-delivery": id, "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` } });
  const status = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => (res.resume(), resolve(res.statusCode!)));
    req.on("error", reject);
  });
  req.write(body.subarray(0, 10));
  return { status, finish: () => req.end(body.subarray(10)) };
}

// In the app the door runs on a thread of its own (start-door.ts), and the jobs' thread keeps
// its own view of the door, fed by messages: the same promises, across the threads.
async function threadDoor() {
  const d = await startDoor({ secret: SECRET, databaseUrl: null, dataDir: tempDir("leakguard-door-"), port: 0, host: "127.0.0.1", requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, log: createLogger(new PassThrough(), "warn"), onEnqueued: () => {} });
  closers.push(() => void d.close());
  return { quiet: d.quiet, port: d.port };
}

describe.each([
  { where: "on the door's own thread", open: door },
  { where: "seen from the jobs' thread", open: threadDoor },
])("the webhook door's quiet, $where", ({ open }) => {
  it("is at once when nothing is being received", async () => {
    const { quiet } = await open();
    await expect(quiet(60_000)).resolves.toBeUndefined();
  });

  it("comes only once the delivery being received has been answered", async () => {
    const { quiet, port } = await open();
    const slow = slowDelivery(port, "slow-1");
    await new Promise((r) => setTimeout(r, 200)); // its headers are in: the door holds it, and has said so
    let quietAt = 0;
    const waited = quiet(60_000).then(() => (quietAt = Date.now()));
    await new Promise((r) => setTimeout(r, 200));
    expect(quietAt).toBe(0);
    const finishedAt = Date.now();
    slow.finish();
    expect(await slow.status).toBe(200);
    await waited;
    expect(quietAt).toBeGreaterThanOrEqual(finishedAt);
  });

  it("comes after maxMs at the latest, however long a sender takes", async () => {
    const { quiet, port } = await open();
    slowDelivery(port, "never-finished").status.catch(() => {}); // cut off when the server closes
    await new Promise((r) => setTimeout(r, 200));
    await expect(quiet(50)).resolves.toBeUndefined();
  });
});
