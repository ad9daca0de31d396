import { PassThrough } from "node:stream";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/create-logger.js";
import type { RunningDoor } from "../../src/app/start-door.js";
import { startDoor } from "../../src/app/start-door.js";
import { tempDir } from "../helpers/repo.js";

// The webhook door's thread can die (an uncaught error, out of memory). Until something
// answers again, GitHub's deliveries fail, and GitHub does not send them again by itself:
// the door is started again on the port it had, and when it keeps dying the app is told to
// stop, so that its supervisor starts it afresh.

const doors: RunningDoor[] = [];
afterEach(async () => {
  for (const d of doors.splice(0)) await d.close();
});

async function open() {
  const logs = new PassThrough();
  let text = "";
  logs.on("data", (c: Buffer) => (text += c.toString()));
  const lost: Error[] = [];
  const door = await startDoor({
    secret: "s",
    databaseUrl: null,
    dataDir: tempDir("leakguard-door-"),
    port: 0,
    host: "127.0.0.1",
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 10_000,
    log: createLogger(logs, "info"),
    onEnqueued: () => {},
    lost: (err) => lost.push(err),
    startThread: (workerData) => new Worker(new URL("../helpers/dying-door.mjs", import.meta.url), { workerData }),
  });
  doors.push(door);
  const get = (path: string) => fetch(`http://127.0.0.1:${door.port}${path}`).then((r) => r.text());
  return { door, get, lost, log: () => text };
}

/** The id of the thread that answers, once one does: a restart takes a moment. */
async function answering(get: (path: string) => Promise<string>, not: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const id = await get("/").catch(() => not);
    if (id !== not) return id;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no thread answered again");
}

describe("a webhook door whose thread dies", { timeout: 20_000 }, () => {
  it("is started again on the same port, and says so in the log", async () => {
    const { get, lost, log } = await open();
    const first = await get("/");
    await get("/die");
    const second = await answering(get, first);
    expect(second).not.toBe(first);
    expect(lost).toEqual([]);
    expect(log()).toContain("starting it again");
    // The thread may answer before its "listening" message has been handled on this one.
    for (let i = 0; i < 100 && !log().includes("webhook door started again"); i++) await new Promise((r) => setTimeout(r, 20));
    expect(log()).toContain("webhook door started again");
  });

  it("that keeps dying is given up, and the app told to stop", async () => {
    const { get, lost, log } = await open();
    let id = await get("/");
    for (let i = 0; i < 5; i++) {
      await get("/die");
      id = await answering(get, id);
    }
    expect(lost).toEqual([]);
    await get("/die");
    for (let i = 0; i < 100 && !lost.length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lost).toHaveLength(1);
    expect(log()).toContain("keeps failing");
    // Nothing answers on the port any more.
    await expect(get("/")).rejects.toThrow();
  });

  it("closes at once while it waits to be started again", async () => {
    const { door, get } = await open();
    await get("/die");
    await new Promise((r) => setTimeout(r, 30));
    await door.close();
    await new Promise((r) => setTimeout(r, 600));
    await expect(get("/")).rejects.toThrow();
  });
});
