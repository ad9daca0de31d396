import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { EventEmitter } from "node:events";
import type { Runner, Worker as GraphileWorker, WorkerEvents } from "graphile-worker";
import { makeWorkerUtils, run } from "graphile-worker";
import type { Worker, WorkerOptions } from "../worker.js";
import { createBatch, MAX_BATCH, runDelivery } from "../worker.js";
import type { Outcome } from "../worker.js";
import type { Delivery } from "./store.js";
import type { PostgresStore } from "./postgres-store.js";
import { DELIVERY_TASK, quietLogger } from "./postgres-store.js";
import { createLaneSpread } from "./spread-lanes.js";

// The consumer of the shared PostgreSQL queue. graphile-worker hands out jobs (named
// queues keep one repository's jobs in order, one at a time, across every instance) and
// retries thrown jobs with exponential backoff. It only releases the lock of a job whose
// worker died after four hours, so instances also keep a heartbeat row: an instance
// silent for longer than the lease is taken as dead, and the first instance to notice
// unlocks its jobs through graphile-worker's own forceUnlockWorkers.

/** How often an instance running jobs reads what the others run. */
const PEERS_REFRESH_MS = 250;
/** How long jobs passed over for another instance wait for it before this one takes them. */
const PEER_OFFER_MS = 2_000;

export interface PostgresWorkerOptions extends WorkerOptions {
  /** Silence after which an instance is taken as dead and its jobs handed to others. */
  leaseMs?: number;
}

export function createPostgresWorker(store: PostgresStore, opts: PostgresWorkerOptions): Worker {
  const { log, pool } = { ...opts, pool: store.pool };
  const instance = `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const leaseMs = opts.leaseMs ?? 60_000;
  // Several beats per lease: one late timer (a busy event loop) is not taken for a death.
  const heartbeatMs = Math.max(100, Math.floor(leaseMs / 6));
  const workerIds: string[] = [];
  const busy = new Set<Promise<unknown>>();
  let runner: Runner | null = null;
  let beat: NodeJS.Timeout | undefined;
  let peerTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const spread = createLaneSpread();
  // The looks of one worker follow each other synchronously: forbiddenFlags is called at the
  // start of a look, getJob:start in the same turn, and a worker nudged while idle (or from
  // getJob:empty) starts its next look in that turn too. So how the next look is made is
  // handed over in a variable, and each worker's look read back by its id.
  type LookMade = { level: number; peers: boolean; leftToPeers: string[]; again: boolean };
  const FIRST = { level: 1, peers: true };
  let next = FIRST;
  let lastLook: LookMade = { ...FIRST, leftToPeers: [], again: false };
  const looks = new Map<string, LookMade>();
  let peersRead: Promise<void> | null = null;
  let offering = false;
  const ours: GraphileWorker[] = [];

  /** True when the worker was idle and now looks. */
  function tryNudge(w: GraphileWorker): boolean {
    try {
      return w.nudge();
    } catch {
      return false; // released (stopping): nothing to look for
    }
  }

  /**
   * Has this worker look again, made as `how`: at once when idle, or (called from its
   * getJob:empty) as soon as the handler returns, in the same turn. Either way the look has
   * begun before the microtask that puts `next` back.
   */
  function lookAgain(w: GraphileWorker, how: { level: number; peers: boolean }): boolean {
    next = how;
    const idle = tryNudge(w);
    queueMicrotask(() => {
      next = FIRST;
    });
    return idle;
  }

  /** What the other instances run, per lane: a second job of a lane goes to one that runs fewer. */
  function refreshPeers(): Promise<void> {
    peersRead ??= (async () => {
      try {
        const { rows } = await pool.query<{ flags: Record<string, boolean>[] }>(
          `SELECT coalesce(json_agg(j.flags) FILTER (WHERE j.id IS NOT NULL), '[]') AS flags
             FROM leakguard.instances i
             LEFT JOIN graphile_worker.jobs j ON j.locked_at IS NOT NULL AND j.locked_by = ANY(i.worker_ids)
            WHERE i.id <> $1 AND cardinality(i.worker_ids) > 0 AND i.seen_at > now() - make_interval(secs => $2)
            GROUP BY i.id`,
          [instance, (2 * heartbeatMs) / 1000],
        );
        spread.peers(
          rows.map((r) => {
            const running = new Map<string, number>();
            for (const f of r.flags) for (const lane of Object.keys(f ?? {})) running.set(lane, (running.get(lane) ?? 0) + 1);
            return running;
          }),
        );
      } catch (err) {
        log.warn({ err }, "could not read what the other instances run; spreading this instance's jobs alone");
        spread.peers([]);
      } finally {
        peersRead = null;
      }
    })();
    return peersRead;
  }

  /**
   * A look passed over jobs for a peer and found nothing else. If such a job is waiting, one
   * idle worker of each peer is woken to look (on graphile-worker's own channel, which every
   * instance listens to; this instance's workers are not woken, or their looks would race the
   * peer's). It is the waking that matters: two looks at once can each miss a job the other
   * held locked for a moment. A peer that does not take it within PEER_OFFER_MS
   * (none is free, or it is gone) leaves it to this instance, whose idle worker then looks
   * without peers.
   */
  async function offerToPeers(w: GraphileWorker, lanes: string[]): Promise<void> {
    if (offering) return;
    offering = true;
    try {
      const { rows } = await pool.query<{ waiting: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = $1 AND locked_at IS NULL AND run_at <= now() AND attempts < max_attempts AND flags ?| $2) AS waiting",
        [DELIVERY_TASK, lanes],
      );
      if (!rows[0]?.waiting || stopped) return;
      // count 0: graphile-worker nudges no one for it; each peer's listener below does.
      await pool.query("SELECT pg_notify('jobs:insert', $1)", [JSON.stringify({ count: 0, offeredBy: instance })]);
      await new Promise((r) => setTimeout(r, PEER_OFFER_MS));
      // The worker that offered may have found other work since: any idle one of ours will do.
      if (!stopped) for (const x of [w, ...ours]) if (lookAgain(x, { level: 1, peers: false })) break;
    } catch (err) {
      log.warn({ err }, "could not offer jobs to the other instances");
    } finally {
      offering = false;
    }
  }

  /** Records one delivery's outcome; true when the delivery goes back to the queue. */
  async function settle(d: Delivery, outcome: Outcome, companion: boolean): Promise<boolean> {
    const dlog = log.child({ delivery: d.id, event: d.name, attempt: d.attempts, instance });
    if (outcome.kind === "done") {
      await pool.query("UPDATE leakguard.deliveries SET state = 'done', note = NULL, updated_at = now() WHERE id = $1", [d.id]);
      dlog.info("delivery processed");
      return false;
    }
    if (outcome.kind === "retry") {
      await pool.query("UPDATE leakguard.deliveries SET state = 'pending', note = $2, updated_at = now() WHERE id = $1", [d.id, outcome.message]);
      // A companion's own job is still queued: it waits as long as graphile-worker's backoff would make it.
      if (companion)
        await pool.query(
          "SELECT graphile_worker.reschedule_jobs(array(SELECT id FROM graphile_worker.jobs WHERE key = $1 AND locked_at IS NULL), run_at => now() + make_interval(secs => exp(least(10, $2::int))))",
          [d.id, d.attempts],
        );
      dlog.warn({ err: outcome.err }, "delivery failed; will retry");
      return true;
    }
    await pool.query("UPDATE leakguard.deliveries SET state = 'failed', note = $2, updated_at = now() WHERE id = $1", [d.id, outcome.message]);
    dlog.error({ err: outcome.err }, "delivery failed");
    return false;
  }

  async function task(payload: unknown, jobAttempts: number): Promise<void> {
    const id = (payload as { id?: unknown } | null)?.id;
    if (typeof id !== "string") return; // not ours to run; nothing to retry
    // attempts counts every take of the delivery (its own job, or a batch of another's).
    const { rows } = await pool.query<{ name: string; payload: string; attempts: number; repo_key: string | null; seq: string }>(
      "UPDATE leakguard.deliveries SET state = 'running', attempts = GREATEST(attempts + 1, $2), updated_at = now() WHERE id = $1 AND state IN ('pending', 'running') RETURNING name, payload, attempts, repo_key, seq",
      [id, jobAttempts],
    );
    const row = rows[0];
    if (!row) return; // already done or failed: in a batch of another job, or a job duplicated by an unlock after the fact
    const first: Delivery = { id, name: row.name, payload: row.payload, attempts: row.attempts };
    // The queue is this repository's and graphile-worker runs one of its jobs at a time, in
    // every instance: the pushes queued behind this one are taken along (a 'running' one was
    // left so by a batch whose instance died). Their own jobs find them done and end.
    const rest =
      row.repo_key !== null && row.name === "push"
        ? (
            await pool.query<{ id: string; name: string; payload: string; attempts: number; seq: string }>(
              `WITH c AS (
                 SELECT id FROM leakguard.deliveries d
                  WHERE repo_key = $1 AND name = 'push' AND state IN ('pending', 'running') AND seq > $2
                    AND NOT EXISTS (SELECT 1 FROM graphile_worker.jobs j WHERE j.key = d.id AND j.run_at > now())
                    AND seq < coalesce((SELECT min(seq) FROM leakguard.deliveries o WHERE o.repo_key = $1 AND o.name <> 'push' AND o.state IN ('pending', 'running') AND o.seq > $2), 9223372036854775807)
                  ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
               UPDATE leakguard.deliveries d SET state = 'running', attempts = d.attempts + 1, updated_at = now() FROM c WHERE d.id = c.id
               RETURNING d.id, d.name, d.payload, d.attempts, d.seq`,
              [row.repo_key, row.seq, MAX_BATCH - 1],
            )
          ).rows
            .sort((a, b) => Number(a.seq) - Number(b.seq))
            .map((r): Delivery => ({ id: r.id, name: r.name, payload: r.payload, attempts: r.attempts }))
        : [];
    const all = [first, ...rest];
    const batch = createBatch(all);
    if (rest.length) log.info({ deliveries: all.map((d) => d.id), instance }, "pushes of one repository taken together");
    let retryFirst = false;
    const settled: string[] = [];
    for (const [i, d] of all.entries()) {
      const outcome = await runDelivery(d, { ...opts, maxAttempts: store.maxAttempts }, batch.at(i === all.length - 1, i));
      const again = await settle(d, outcome, d !== first);
      if (d === first) retryFirst = again;
      else if (!again) settled.push(d.id);
    }
    // The companions' own jobs would each be taken, find their delivery settled and end: four
    // queries (get_job, the take, the peers' read, complete_job) and a worker's turn apiece, for nothing. Completed here in one, those not locked
    // (a locked one is being taken, and ends so by itself).
    if (settled.length)
      await pool
        .query("SELECT count(*) FROM graphile_worker.complete_jobs(array(SELECT id FROM graphile_worker.jobs WHERE key = ANY($1) AND locked_at IS NULL))", [settled])
        .catch((err: unknown) => log.warn({ err }, "could not complete the jobs of a batch's companions; each ends when taken"));
    // graphile-worker reschedules this job with backoff; a companion put back runs by its own job.
    if (retryFirst) throw new Error("retry");
  }

  async function heartbeat(): Promise<void> {
    await pool.query(
      `INSERT INTO leakguard.instances (id, worker_ids, seen_at) VALUES ($1, $2, now())
       ON CONFLICT (id) DO UPDATE SET worker_ids = excluded.worker_ids, seen_at = now()`,
      [instance, workerIds],
    );
    // DELETE ... RETURNING: exactly one live instance takes over each dead one.
    const { rows } = await pool.query<{ id: string; worker_ids: string[] }>(
      "DELETE FROM leakguard.instances WHERE seen_at < now() - make_interval(secs => $1) RETURNING id, worker_ids",
      [leaseMs / 1000],
    );
    const dead = rows.flatMap((r) => r.worker_ids);
    if (!dead.length) return;
    const utils = await makeWorkerUtils({ pgPool: pool, logger: quietLogger });
    try {
      await utils.forceUnlockWorkers(dead);
    } finally {
      await utils.release();
    }
    log.warn({ instances: rows.map((r) => r.id) }, "took over the jobs of instances that stopped answering");
  }

  const worker: Worker = {
    async start() {
      const events: WorkerEvents = new EventEmitter() as WorkerEvents;
      events.on("worker:create", ({ worker: w }) => {
        workerIds.push(w.workerId);
        ours.push(w);
      });
      events.on("pool:listen:notification", ({ message }) => {
        if (message.channel !== "jobs:insert" || !message.payload?.includes("offeredBy") || stopped) return;
        let offeredBy: unknown;
        try {
          offeredBy = (JSON.parse(message.payload) as { offeredBy?: unknown }).offeredBy;
        } catch {
          return;
        }
        if (typeof offeredBy !== "string" || offeredBy === instance) return;
        for (const w of ours) if (tryNudge(w)) break;
      });
      events.on("worker:getJob:start", ({ worker: w }) => looks.set(w.workerId, lastLook));
      events.on("worker:getJob:empty", ({ worker: w }) => {
        const look = looks.get(w.workerId);
        if (!look || stopped) return;
        // Nothing outside the lanes passed over for running here: look again, passing over fewer.
        if (look.again) lookAgain(w, { level: look.level + 1, peers: look.peers });
        else if (look.leftToPeers.length) void offerToPeers(w, look.leftToPeers);
      });
      runner = await run({
        pgPool: pool,
        logger: quietLogger,
        concurrency: Math.max(1, opts.concurrency ?? 1),
        pollInterval: opts.pollMs ?? 2_000,
        noHandleSignals: true,
        events,
        forbiddenFlags: () => {
          const how = next;
          next = FIRST;
          const look = spread.look(how.level, how.peers);
          lastLook = { ...how, leftToPeers: look.leftToPeers, again: look.again };
          return look.lanes;
        },
        taskList: {
          [DELIVERY_TASK]: (payload, helpers) => {
            const lanes = Object.keys(helpers.job.flags ?? {});
            spread.started(lanes);
            // The view the next look here goes by, read as this job starts.
            const p = refreshPeers().then(() => task(payload, helpers.job.attempts));
            busy.add(p);
            return p.finally(() => {
              busy.delete(p);
              spread.ended(lanes);
            });
          },
        },
      });
      await heartbeat();
      beat = setInterval(() => {
        if (!stopped) heartbeat().catch((err: unknown) => log.error({ err }, "heartbeat failed"));
      }, heartbeatMs);
      beat.unref();
      // Only while something runs here: with nothing running, no lane is ever left to a peer.
      peerTimer = setInterval(() => {
        if (!stopped && spread.busy()) void refreshPeers();
      }, PEERS_REFRESH_MS);
      peerTimer.unref();
    },
    kick() {
      // graphile-worker listens for new jobs itself (LISTEN/NOTIFY): nothing to do.
    },
    async idle() {
      // Nothing runnable left in the shared queue, and nothing running here.
      for (;;) {
        const { rows } = await pool.query<{ n: string }>(
          "SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = $1 AND run_at <= now() AND attempts < max_attempts",
          [DELIVERY_TASK],
        );
        if (Number(rows[0]!.n) === 0 && busy.size === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(beat);
      clearInterval(peerTimer);
      const r = runner;
      runner = null;
      await r?.stop();
      await pool.query("DELETE FROM leakguard.instances WHERE id = $1", [instance]).catch(() => {});
    },
  };
  return worker;
}
