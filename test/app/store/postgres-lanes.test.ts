import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/create-logger.js";
import { openPostgresStore } from "../../../src/app/store/postgres-store.js";
import type { PostgresStore } from "../../../src/app/store/postgres-store.js";
import { createPostgresWorker } from "../../../src/app/store/postgres-worker.js";
import type { Delivery, NewDelivery } from "../../../src/app/store/store.js";
import type { Worker } from "../../../src/app/worker.js";
import { createLaneSpread, installationLane } from "../../../src/app/store/spread-lanes.js";
import { freshDatabase } from "../../helpers/postgres.js";

// An instance sends one installation's requests one at a time: its workers go to the
// installations it is not already serving first, and to a busy one only when nothing else
// is runnable, at once and not at the next poll.

describe("the lanes a worker passes over", () => {
  const A = "installation:1";
  const B = "installation:2";

  it("are those with a job running here, then those with two, until none", () => {
    const spread = createLaneSpread();
    expect(spread.look(1)).toEqual({ lanes: null, leftToPeers: [], again: false });
    spread.started([A]);
    spread.started([A]);
    spread.started([B]);
    expect(spread.look(1).lanes?.sort()).toEqual([A, B]);
    expect(spread.look(2)).toEqual({ lanes: [A], leftToPeers: [], again: true });
    expect(spread.look(3)).toEqual({ lanes: null, leftToPeers: [], again: false });
    spread.ended([A]);
    spread.ended([B]);
    expect(spread.look(1).lanes).toEqual([A]);
    expect(spread.look(2).lanes).toBeNull();
  });

  it("include, at every level, a lane that a peer runs fewer of", () => {
    const spread = createLaneSpread();
    spread.started([A]);
    spread.started([B]);
    spread.started([B]);
    spread.peers([new Map([[A, 1], [B, 1]])]);
    expect(spread.look(3)).toEqual({ lanes: [B], leftToPeers: [B], again: false });
    expect(spread.look(2)).toEqual({ lanes: [B], leftToPeers: [], again: true });
    // A look without peers, the one that takes what a peer did not come for.
    expect(spread.look(3, false)).toEqual({ lanes: null, leftToPeers: [], again: false });
    // A peer that runs as many is not waited for.
    spread.peers([new Map([[A, 1], [B, 2]])]);
    expect(spread.look(3)).toEqual({ lanes: null, leftToPeers: [], again: false });
  });

  it("never include a lane with nothing running here: every lane keeps a job here", () => {
    const spread = createLaneSpread();
    spread.peers([new Map()]);
    expect(spread.look(1).lanes).toBeNull();
  });

  it("are named only for an installation id that is a whole number", () => {
    expect(installationLane(7)).toBe("installation:7");
    for (const odd of ["7", 7.5, null, undefined, {}, Number.MAX_SAFE_INTEGER + 2]) expect(installationLane(odd)).toBeNull();
  });
});

describe("PostgreSQL workers and installation lanes", { timeout: 30_000 }, () => {
  const workers: Worker[] = [];
  let store: PostgresStore | null = null;
  const gates: (() => void)[] = [];
  afterEach(async () => {
    for (const open of gates.splice(0)) open();
    for (const w of workers.splice(0)) await w.stop();
    await store?.close();
    store = null;
  });

  /** `instances` workers (each its own instance) on one database; every job runs until the test ends. */
  async function start(instances = 1) {
    store = await openPostgresStore(await freshDatabase());
    const started: string[] = [];
    const ranBy = new Map<string, number>();
    const startedEvent: (() => void)[] = [];
    for (let i = 0; i < instances; i++) {
      // A poll far beyond the test's timeout: a job found only by polling fails the test.
      const worker = createPostgresWorker(store, {
        log: createLogger(new PassThrough(), "error"),
        concurrency: 2,
        pollMs: 60_000,
        handle: (d: Delivery) =>
          new Promise<void>((resolve) => {
            started.push(d.id);
            ranBy.set(d.id, i);
            gates.push(resolve);
            for (const f of startedEvent.splice(0)) f();
          }),
      });
      await worker.start();
      workers.push(worker);
    }
    const waitForStarts = async (n: number) => {
      while (started.length < n) await new Promise<void>((r) => startedEvent.push(r));
    };
    return { started, ranBy, waitForStarts };
  }

  const delivery = (id: string, repo: string, installation: number): NewDelivery => ({
    id,
    name: "push",
    payload: "{}",
    key: `repo:${repo}`,
    lane: installationLane(installation),
  });

  it("takes a job of an installation it is not serving before one of an installation it is", async () => {
    const { started, waitForStarts } = await start();
    await store!.enqueue(delivery("a1", "org1/one", 1));
    await waitForStarts(1);
    // Queued first, a second repository of installation 1; then one of installation 2.
    await Promise.all([store!.enqueue(delivery("a2", "org1/two", 1)), store!.enqueue(delivery("b1", "org2/one", 2))]);
    await waitForStarts(2);
    expect(started).toEqual(["a1", "b1"]);
  });

  it("takes a second job of the one installation with work at once, not at the next poll", async () => {
    const { started, waitForStarts } = await start();
    await store!.enqueue(delivery("a1", "org1/one", 1));
    await waitForStarts(1);
    await store!.enqueue(delivery("a2", "org1/two", 1));
    await waitForStarts(2);
    expect(started).toEqual(["a1", "a2"]);
  });

  it("leaves a second job of an installation to the instance that runs none of it", async () => {
    const { ranBy, waitForStarts } = await start(2);
    await store!.enqueue(delivery("a1", "org1/one", 1));
    await waitForStarts(1);
    await store!.enqueue(delivery("a2", "org1/two", 1));
    await waitForStarts(2);
    // Both instances had a worker free: the second job went to the one not already serving installation 1.
    expect(ranBy.get("a2")).not.toBe(ranBy.get("a1"));
    // With each serving it once, the third goes to either, at once.
    await store!.enqueue(delivery("a3", "org1/three", 1));
    await waitForStarts(3);
  });

  it("runs jobs without a lane as before", async () => {
    const { started, waitForStarts } = await start();
    await store!.enqueue({ ...delivery("a1", "org1/one", 1), lane: null });
    await waitForStarts(1);
    await store!.enqueue({ ...delivery("a2", "org1/two", 1), lane: null });
    await waitForStarts(2);
    expect(started).toEqual(["a1", "a2"]);
  });
});
