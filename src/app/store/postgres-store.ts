import pg from "pg";
import { Logger as WorkerLogger, runMigrations } from "graphile-worker";
import type { DeliveryState, NewDelivery, NewIncident, RepoRecord, Store } from "./store.js";
import { PG_MIGRATIONS } from "./postgres-migrations.js";
import type { IncidentRow } from "./incident-row.js";
import { toIncident } from "./incident-row.js";
import { DEFAULT_MAX_ATTEMPTS } from "../worker.js";

// PostgreSQL: the store and queue shared by every app instance (DATABASE_URL). Deliveries,
// repositories and incidents live in schema `leakguard`; the jobs themselves are
// graphile-worker's, added in the same transaction as the delivery row, so a delivery is
// either recorded and queued or neither.

export interface PostgresStore extends Store {
  readonly kind: "postgres";
  readonly pool: pg.Pool;
  readonly maxAttempts: number;
}

export const DELIVERY_TASK = "delivery";
/** Deliveries per enqueue group: bounds one statement's size (bodies are a few kB each). */
const MAX_ENQUEUE_GROUP = 64;
const MIGRATION_LOCK = 0x6c67_7264; // "lgrd": one advisory lock id for leakguard's schema
/** graphile-worker logs through its own logger; leakguard's log says what matters. */
export const quietLogger = new WorkerLogger(() => () => {});

/** `work` on one client inside BEGIN … COMMIT; rolled back if it throws. */
async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await work(client);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

function migrate(pool: pg.Pool): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE SCHEMA IF NOT EXISTS leakguard");
    await client.query("CREATE TABLE IF NOT EXISTS leakguard.schema_version (version INTEGER NOT NULL)");
    const { rows } = await client.query<{ version: number }>("SELECT version FROM leakguard.schema_version");
    const version = rows[0]?.version ?? 0;
    for (let v = version; v < PG_MIGRATIONS.length; v++) await client.query(PG_MIGRATIONS[v]!);
    if (rows.length === 0) await client.query("INSERT INTO leakguard.schema_version (version) VALUES ($1)", [PG_MIGRATIONS.length]);
    else await client.query("UPDATE leakguard.schema_version SET version = $1", [PG_MIGRATIONS.length]);
  });
}

/**
 * `migrate: false` for a second pool of a process that has already migrated (the door's
 * thread, start-door.ts). `warm`: the pool's first connection is opened now, with an empty
 * enqueue, so that the first delivery does not pay for it (its group took 58 ms before, 39 after).
 */
export async function openPostgresStore(databaseUrl: string, opts: { maxAttempts?: number; poolSize?: number; migrate?: boolean; warm?: boolean } = {}): Promise<PostgresStore> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.poolSize ?? 10 });
  // An idle client that loses its server must not crash the process; the next query fails instead.
  pool.on("error", () => {});
  try {
    if (opts.migrate !== false) {
      await migrate(pool);
      // graphile-worker's own migrations: safe when several instances start at once.
      await runMigrations({ pgPool: pool, logger: quietLogger });
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (opts.warm) {
    try {
      await pool.query("SELECT leakguard.enqueue_deliveries('{}', '{}', '{}', '{}', '{}', '{}', $1, $2)", [DELIVERY_TASK, maxAttempts]);
    } catch (err) {
      await pool.end();
      throw err;
    }
  }

  // Group commit: the deliveries acknowledged while one group is being committed go
  // together in the next (postgres-migrations.ts, enqueue_deliveries), so a burst costs a
  // commit per group, not per delivery, and each is answered once its group is on disk.
  type Waiting = { d: NewDelivery; resolve: (fresh: boolean) => void; reject: (err: unknown) => void };
  const waiting: Waiting[] = [];
  let flushing = false;
  const enqueueMany = async (ds: readonly NewDelivery[]): Promise<boolean[]> => {
    const { rows } = await pool.query<{ fresh: boolean[] }>("SELECT leakguard.enqueue_deliveries($1, $2, $3, $4, $5, $6, $7, $8) AS fresh", [
      ds.map((d) => d.digest ?? null),
      ds.map((d) => d.id),
      ds.map((d) => d.name),
      ds.map((d) => d.payload),
      ds.map((d) => d.key ?? null),
      ds.map((d) => d.lane ?? null),
      DELIVERY_TASK,
      maxAttempts,
    ]);
    return rows[0]!.fresh;
  };
  const flushEnqueues = async () => {
    while (waiting.length > 0) {
      const group = waiting.splice(0, MAX_ENQUEUE_GROUP);
      try {
        const fresh = await enqueueMany(group.map((w) => w.d));
        group.forEach((w, i) => w.resolve(fresh[i]!));
      } catch (err) {
        // One delivery's failure (or a deadlock with another instance's group) must not
        // fail the others: each is tried alone, and answered with its own outcome.
        if (group.length === 1) group[0]!.reject(err);
        else await Promise.all(group.map((w) => enqueueMany([w.d]).then((f) => w.resolve(f[0]!), w.reject)));
      }
    }
    flushing = false;
  };

  return {
    kind: "postgres",
    pool,
    maxAttempts,
    enqueue(d) {
      return new Promise<boolean>((resolve, reject) => {
        waiting.push({ d, resolve, reject });
        if (!flushing) {
          flushing = true;
          setImmediate(() => void flushEnqueues());
        }
      });
    },
    async deliveryState(id) {
      const { rows } = await pool.query<{ state: DeliveryState }>("SELECT state FROM leakguard.deliveries WHERE id = $1", [id]);
      return rows[0]?.state ?? null;
    },
    async unfinished() {
      const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM leakguard.deliveries WHERE state IN ('pending', 'running')");
      return Number(rows[0]!.n);
    },

    async purge(cutoff) {
      const deliveries = await pool.query("DELETE FROM leakguard.deliveries WHERE state IN ('done', 'failed') AND updated_at < $1", [cutoff.deliveries]);
      const digests = await pool.query("DELETE FROM leakguard.seen_bodies WHERE received_at < $1", [cutoff.digests]);
      return { deliveries: deliveries.rowCount ?? 0, digests: digests.rowCount ?? 0 };
    },

    async getRepo(fullName) {
      const { rows } = await pool.query<{ full_name: string; installation_id: string; history_scanned_at: string | null }>(
        "SELECT full_name, installation_id, history_scanned_at FROM leakguard.repos WHERE full_name = $1",
        [fullName],
      );
      const row = rows[0];
      return row ? { fullName: row.full_name, installationId: Number(row.installation_id), historyScannedAt: row.history_scanned_at } : null;
    },
    async saveRepo(r: RepoRecord) {
      await pool.query(
        `INSERT INTO leakguard.repos (full_name, installation_id, history_scanned_at) VALUES ($1, $2, $3)
         ON CONFLICT (full_name) DO UPDATE SET installation_id = excluded.installation_id, history_scanned_at = excluded.history_scanned_at`,
        [r.fullName, r.installationId, r.historyScannedAt],
      );
    },
    async scannedTips(fullName) {
      const { rows } = await pool.query<{ ref: string; oid: string }>("SELECT ref, oid FROM leakguard.scanned_tips WHERE repo = $1 ORDER BY ref", [fullName]);
      return new Map(rows.map((r) => [r.ref, r.oid]));
    },
    async recordTips(fullName, tips, replace = false) {
      const set = [...tips].filter((t): t is [string, string] => t[1] !== null);
      const gone = [...tips].filter(([, oid]) => oid === null).map(([ref]) => ref);
      const write = async (client: pg.Pool | pg.PoolClient) => {
        if (replace) await client.query("DELETE FROM leakguard.scanned_tips WHERE repo = $1", [fullName]);
        if (gone.length) await client.query("DELETE FROM leakguard.scanned_tips WHERE repo = $1 AND ref = ANY($2::text[])", [fullName, gone]);
        if (set.length)
          await client.query(
            `INSERT INTO leakguard.scanned_tips (repo, ref, oid) SELECT $1, r, o FROM unnest($2::text[], $3::text[]) AS t(r, o)
             ON CONFLICT (repo, ref) DO UPDATE SET oid = excluded.oid`,
            [fullName, set.map(([r]) => r), set.map(([, o]) => o)],
          );
      };
      // One statement (a push's new tip, the usual case) is atomic alone: no BEGIN and COMMIT around it.
      const statements = Number(replace) + Number(gone.length > 0) + Number(set.length > 0);
      await (statements > 1 ? inTransaction(pool, write) : write(pool));
    },

    async findIncident(repo, fingerprint) {
      const { rows } = await pool.query<IncidentRow>("SELECT * FROM leakguard.incidents WHERE repo = $1 AND fingerprint = $2", [repo, fingerprint]);
      return rows[0] ? toIncident(rows[0]) : null;
    },
    async openIncidents(repo) {
      const { rows } = await pool.query<IncidentRow>("SELECT * FROM leakguard.incidents WHERE repo = $1 AND state = 'open' ORDER BY id", [repo]);
      return rows.map(toIncident);
    },
    async addIncident(i: NewIncident) {
      const { rows } = await pool.query<IncidentRow>(
        `INSERT INTO leakguard.incidents (repo, fingerprint, rule, severity, redacted, vector, path, member, line, commit_oid, ref, pusher, replacement_of, issue_repo, issue_number, state, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', $16) RETURNING *`,
        [i.repo, i.fingerprint, i.rule, i.severity, i.redacted, i.vector, i.path, i.member, i.line, i.commit, i.ref, i.pusher, i.replacementOf, i.issueRepo, i.issueNumber, new Date().toISOString()],
      );
      return toIncident(rows[0]!);
    },
    async updateIncident(id, patch) {
      if (patch.state) await pool.query("UPDATE leakguard.incidents SET state = $1 WHERE id = $2", [patch.state, id]);
      if (patch.status) await pool.query("UPDATE leakguard.incidents SET status = $1 WHERE id = $2", [JSON.stringify(patch.status), id]);
    },

    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
