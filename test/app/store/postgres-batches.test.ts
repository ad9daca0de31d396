import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/create-logger.js";
import { openPostgresStore } from "../../../src/app/store/postgres-store.js";
import type { PostgresStore } from "../../../src/app/store/postgres-store.js";
import { createPostgresWorker } from "../../../src/app/store/postgres-worker.js";
import type { Delivery } from "../../../src/app/store/store.js";
import type { Batch, Worker } from "../../../src/app/worker.js";
import { installationLane } from "../../../src/app/store/spread-lanes.js";
import { freshDatabase } from "../../helpers/postgres.js";

// The pushes queued behind one of a repository are run with it, as one batch; each keeps its
// own job in graphile-worker's queue (the batch may die, and they must not be lost). Once
// the batch has settled a push, its own job is completed with it, never taken by a worker
// only to find its delivery done; a push the batch put back for a retry keeps its job.

describe("PostgreSQL batches", { timeout: 30_000 }, () => {
  let store: PostgresStore | null = null;
  let worker: Worker | null = null;
  afterEach(async () => {
    await worker?.stop();
    await store?.close();
    worker = null;
    store = null;
  });

  /** Five pushes of one repository queued, then one worker started; `handle` runs each. */
  async function runFive(handle: (d: Delivery, batch: Batch) => Promise<void>): Promise<{ taken: string[] }> {
    store = await openPostgresStore(await freshDatabase(), { maxAttempts: 3 });
    // Every job a worker locks, by its key (the delivery id), noted by the database itself.
    await store.pool.query(`
      CREATE TABLE public.taken (seq serial, key text);
      CREATE FUNCTION public.note_taken() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.locked_at IS NOT NULL AND OLD.locked_at IS NULL THEN INSERT INTO public.taken (key) VALUES (NEW.key); END IF;
          RETURN NEW;
        END $$;
      CREATE TRIGGER note_taken AFTER UPDATE ON graphile_worker._private_jobs FOR EACH ROW EXECUTE FUNCTION public.note_taken();`);
    for (let i = 1; i <= 5; i++) await store.enqueue({ id: `p${i}`, name: "push", payload: "{}", key: "repo:org/one", lane: installationLane(1) });
    worker = createPostgresWorker(store, { log: createLogger(new PassThrough(), "error"), concurrency: 1, pollMs: 100, handle });
    await worker.start();
    // idle() does not wait for a job held back by its backoff: the deliveries say when all is settled.
    const settled = async () => (await Promise.all([1, 2, 3, 4, 5].map((i) => store!.deliveryState(`p${i}`)))).every((s) => s === "done" || s === "failed");
    while (!(await settled())) await new Promise((r) => setTimeout(r, 100));
    await worker.idle();
    const { rows } = await store.pool.query<{ key: string }>("SELECT key FROM public.taken ORDER BY seq");
    return { taken: rows.map((r) => r.key) };
  }

  it("run the queued pushes in order, with the last doing the batch's last work, and take no companion's own job", async () => {
    const ran: { id: string; last: boolean }[] = [];
    const { taken } = await runFive(async (d, batch) => {
      ran.push({ id: d.id, last: batch.last });
    });
    expect(ran).toEqual([
      { id: "p1", last: false },
      { id: "p2", last: false },
      { id: "p3", last: false },
      { id: "p4", last: false },
      { id: "p5", last: true },
    ]);
    expect(taken).toEqual(["p1"]);
    const { rows } = await store!.pool.query<{ n: string }>("SELECT count(*) AS n FROM graphile_worker.jobs");
    expect(Number(rows[0]!.n)).toBe(0);
    for (let i = 1; i <= 5; i++) expect(await store!.deliveryState(`p${i}`)).toBe("done");
  });

  it("leave a companion put back for a retry to its own job, which runs it again", async () => {
    const ran: string[] = [];
    const { taken } = await runFive(async (d) => {
      ran.push(d.id);
      if (d.id === "p3" && ran.filter((id) => id === "p3").length === 1) throw Object.assign(new Error("GitHub answered 502"), { status: 502 });
    });
    expect(ran.filter((id) => id === "p3")).toHaveLength(2);
    expect(taken[0]).toBe("p1");
    expect(taken).toContain("p3");
    expect(taken.filter((k) => k !== "p1" && k !== "p3")).toEqual([]);
    for (let i = 1; i <= 5; i++) expect(await store!.deliveryState(`p${i}`)).toBe("done");
  });
});
