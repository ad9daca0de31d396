import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import type { Delivery, DeliveryState, NewDelivery, NewIncident, RepoRecord, Store } from "./store.js";

/** The queue operations the in-process worker drives (PostgreSQL uses a job-queue library instead). */
export interface SqliteStore extends Store {
  readonly kind: "sqlite";
  /** Takes the oldest pending delivery whose key no running delivery holds, and marks it running; null when none. */
  claim(): Promise<Delivery | null>;
  /**
   * As claim(), and for a push also the next pending pushes of the same key, in order (up
   * to `max` in all), all marked running in the same transaction. Empty when none is due.
   */
  claimBatch(max: number): Promise<Delivery[]>;
  finish(id: string, state: "done" | "failed", note?: string): Promise<void>;
  /** Puts a running delivery back after a retryable error, to be claimed again after delayMs. */
  release(id: string, note: string, delayMs: number): Promise<void>;
  /** At start-up: deliveries left running by a previous process go back to pending. */
  recover(): Promise<number>;
  /** Milliseconds until the earliest pending delivery may run (0: now); null when none is pending. */
  nextDue(): Promise<number | null>;
}
import { MIGRATIONS } from "./migrations.js";
import type { IncidentRow } from "./incident-row.js";
import { toIncident } from "./incident-row.js";

// SQLite in WAL mode: a delivery is committed to disk before the webhook is acknowledged,
// and readers (healthz, tests) never block the worker. The data dir is 0700 and the
// database 0600 whatever the umask; SQLite gives -wal and -shm the database file's mode
// (issue 9, item 3). Deleted rows are overwritten (secure_delete), not left in free pages.

const DB_FILES = ["leakguard.db", "leakguard.db-wal", "leakguard.db-shm"];

/** The data dir and the database files exist and are private; a dir that cannot be used is a UsageError. */
function preparePrivateFiles(dataDir: string): string {
  const path = join(dataDir, DB_FILES[0]!);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    closeSync(openSync(path, "a", 0o600));
    for (const f of DB_FILES) if (existsSync(join(dataDir, f))) chmodSync(join(dataDir, f), 0o600);
  } catch (err) {
    throw new UsageError(`LEAKGUARD_DATA_DIR ${dataDir} cannot be used: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  return path;
}


const now = () => new Date().toISOString();

class DuplicateDelivery extends Error {}


export function openSqliteStore(dataDir: string): SqliteStore {
  const path = preparePrivateFiles(dataDir);
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
  } catch (err) {
    throw new UsageError(`LEAKGUARD_DATA_DIR ${dataDir} cannot be used: ${(err as { code?: string }).code ?? "not a database"}`);
  }
  db.pragma("secure_delete = ON");
  // An acknowledged delivery must survive a power cut, and so must a take of it (a first
  // take skips the look-ups for what an earlier attempt made: JobInfo.fresh): those two
  // commit with synchronous=FULL, which also syncs every commit before them in the WAL. The
  // rest (finishing, incidents) commit NORMAL: a power cut may lose them, and the job then
  // runs again, finding what it made. Each FULL commit holds the event loop for an fsync.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  // Two connections write: the door's thread enqueues, the jobs' thread does the rest
  // (start-door.ts). Every transaction begins IMMEDIATE, taking the write lock before it
  // reads, so the other's commit makes it wait (busy_timeout), never fail with SQLITE_BUSY.
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();

  // Each statement is compiled once: compiling on every call was a tenth of an acknowledgement.
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let st = statements.get(sql);
    if (!st) statements.set(sql, (st = db.prepare(sql)));
    return st;
  };
  const claimTx = db.transaction((max: number): Delivery[] => {
    // One delivery per key at a time: the transaction is synchronous, so two workers of
    // this process can never both see a key as free.
    const at = Date.now();
    const row = prepare(
        `SELECT id, name, payload, attempts, repo_key, seq FROM deliveries d WHERE state = 'pending' AND not_before <= ?
           AND (repo_key IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.state = 'running' AND r.repo_key = d.repo_key))
         ORDER BY seq LIMIT 1`,
      )
      .get(at) as (Delivery & { repo_key: string | null; seq: number }) | undefined;
    if (!row) return [];
    const { repo_key: key, seq, ...first } = row;
    const rest =
      key !== null && first.name === "push" && max > 1
        ? (// Never past a delivery of another kind (an installation's first scan): order holds.
            prepare(
              `SELECT id, name, payload, attempts FROM deliveries WHERE state = 'pending' AND not_before <= ? AND repo_key = ? AND name = 'push' AND seq > ?
                 AND seq < coalesce((SELECT min(seq) FROM deliveries o WHERE o.state = 'pending' AND o.repo_key = ? AND o.name <> 'push' AND o.seq > ?), 9e18)
               ORDER BY seq LIMIT ?`,
            )
            .all(at, key, seq, key, seq, max - 1) as Delivery[])
        : [];
    const take = prepare("UPDATE deliveries SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?");
    return [first, ...rest].map((d) => {
      take.run(now(), d.id);
      return { ...d, attempts: d.attempts + 1 };
    });
  });
  const enqueueTx = db.transaction((d: NewDelivery): boolean => {
    if (d.digest !== undefined) {
      const seen = prepare("INSERT INTO seen_bodies (digest, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT(digest) DO NOTHING").run(d.digest, d.id, now());
      if (seen.changes === 0) return false;
    }
    const res = prepare("INSERT INTO deliveries (id, name, payload, repo_key, state, attempts, received_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT(id) DO NOTHING")
      .run(d.id, d.name, d.payload, d.key ?? null, now(), now());
    if (res.changes === 0) throw new DuplicateDelivery(); // rolls the digest back: the body was not accepted
    return true;
  });
  const durably = <T>(fn: () => T): T => {
    db.pragma("synchronous = FULL");
    try {
      return fn();
    } finally {
      db.pragma("synchronous = NORMAL");
    }
  };
  const recordTipsTx = db.transaction((repo: string, tips: ReadonlyMap<string, string | null>, replace: boolean) => {
    if (replace) prepare("DELETE FROM scanned_tips WHERE repo = ?").run(repo);
    const put = prepare("INSERT INTO scanned_tips (repo, ref, oid) VALUES (?, ?, ?) ON CONFLICT(repo, ref) DO UPDATE SET oid = excluded.oid");
    const drop = prepare("DELETE FROM scanned_tips WHERE repo = ? AND ref = ?");
    for (const [ref, oid] of tips) {
      if (oid === null) drop.run(repo, ref);
      else put.run(repo, ref, oid);
    }
  });
  const purgeTx = db.transaction((cutoff: { deliveries: Date; digests: Date }) => ({
    deliveries: prepare("DELETE FROM deliveries WHERE state IN ('done', 'failed') AND updated_at < ?").run(cutoff.deliveries.toISOString()).changes,
    digests: prepare("DELETE FROM seen_bodies WHERE received_at < ?").run(cutoff.digests.toISOString()).changes,
  }));

  // Group commit: the acknowledgements of a burst arrive in the same turn of the event loop,
  // and each FULL commit holds the loop for an fsync. So the enqueues of one turn share one
  // durable transaction (each in its own savepoint: a duplicate rolls back only itself), and
  // every one of them is answered only once that commit is on disk.
  type Waiting = { d: NewDelivery; resolve: (stored: boolean) => void; reject: (err: unknown) => void };
  let waiting: Waiting[] = [];
  const enqueueAll = db.transaction((batch: Waiting[]) =>
    batch.map(({ d }): { stored: boolean } | { err: unknown } => {
      try {
        return { stored: enqueueTx(d) };
      } catch (err) {
        return err instanceof DuplicateDelivery ? { stored: false } : { err };
      }
    }),
  );
  const flushEnqueues = () => {
    const batch = waiting;
    waiting = [];
    let results;
    try {
      results = durably(() => enqueueAll.immediate(batch));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i]!;
      if ("err" in r) w.reject(r.err);
      else w.resolve(r.stored);
    });
  };

  return {
    kind: "sqlite",
    enqueue(d) {
      return new Promise<boolean>((resolve, reject) => {
        waiting.push({ d, resolve, reject });
        if (waiting.length === 1) setImmediate(flushEnqueues);
      });
    },
    async nextDue() {
      const row = prepare("SELECT min(not_before) AS at FROM deliveries WHERE state = 'pending'").get() as { at: number | null };
      return row.at === null ? null : Math.max(0, row.at - Date.now());
    },
    async unfinished() {
      return (prepare("SELECT count(*) AS n FROM deliveries WHERE state IN ('pending', 'running')").get() as { n: number }).n;
    },
    async claim() {
      return durably(() => claimTx.immediate(1))[0] ?? null;
    },
    async claimBatch(max) {
      return durably(() => claimTx.immediate(max));
    },
    async finish(id, state, note) {
      prepare("UPDATE deliveries SET state = ?, note = ?, updated_at = ? WHERE id = ?").run(state, note ?? null, now(), id);
    },
    async release(id, note, delayMs) {
      prepare("UPDATE deliveries SET state = 'pending', note = ?, not_before = ?, updated_at = ? WHERE id = ?").run(note, Date.now() + delayMs, now(), id);
    },
    async recover() {
      return prepare("UPDATE deliveries SET state = 'pending', updated_at = ? WHERE state = 'running'").run(now()).changes;
    },
    async deliveryState(id) {
      const row = prepare("SELECT state FROM deliveries WHERE id = ?").get(id) as { state: DeliveryState } | undefined;
      return row?.state ?? null;
    },

    async purge(cutoff) {
      const removed = purgeTx.immediate(cutoff);
      // Deleted pages are zeroed in the database by secure_delete; the WAL still holds the old
      // frames until it is checkpointed and truncated.
      if (removed.deliveries || removed.digests) db.pragma("wal_checkpoint(TRUNCATE)");
      return removed;
    },

    async getRepo(fullName) {
      const row = prepare("SELECT full_name, installation_id, history_scanned_at FROM repos WHERE full_name = ?").get(fullName) as
        | { full_name: string; installation_id: number; history_scanned_at: string | null }
        | undefined;
      return row ? { fullName: row.full_name, installationId: row.installation_id, historyScannedAt: row.history_scanned_at } : null;
    },
    async saveRepo(r: RepoRecord) {
      prepare(
        "INSERT INTO repos (full_name, installation_id, history_scanned_at) VALUES (?, ?, ?) ON CONFLICT(full_name) DO UPDATE SET installation_id = excluded.installation_id, history_scanned_at = excluded.history_scanned_at",
      ).run(r.fullName, r.installationId, r.historyScannedAt);
    },
    async scannedTips(fullName) {
      const rows = prepare("SELECT ref, oid FROM scanned_tips WHERE repo = ? ORDER BY ref").all(fullName) as { ref: string; oid: string }[];
      return new Map(rows.map((r) => [r.ref, r.oid]));
    },
    async recordTips(fullName, tips, replace = false) {
      recordTipsTx.immediate(fullName, tips, replace);
    },

    async findIncident(repo, fingerprint) {
      const row = prepare("SELECT * FROM incidents WHERE repo = ? AND fingerprint = ?").get(repo, fingerprint) as IncidentRow | undefined;
      return row ? toIncident(row) : null;
    },
    async openIncidents(repo) {
      return (prepare("SELECT * FROM incidents WHERE repo = ? AND state = 'open' ORDER BY id").all(repo) as IncidentRow[]).map(toIncident);
    },
    async addIncident(i: NewIncident) {
      const res = db
        .prepare(
          `INSERT INTO incidents (repo, fingerprint, rule, severity, redacted, vector, path, member, line, commit_oid, ref, pusher, replacement_of, issue_repo, issue_number, state, opened_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
        )
        .run(i.repo, i.fingerprint, i.rule, i.severity, i.redacted, i.vector, i.path, i.member, i.line, i.commit, i.ref, i.pusher, i.replacementOf, i.issueRepo, i.issueNumber, now());
      return toIncident(prepare("SELECT * FROM incidents WHERE id = ?").get(res.lastInsertRowid) as IncidentRow);
    },
    async updateIncident(id, patch) {
      if (patch.state) prepare("UPDATE incidents SET state = ? WHERE id = ?").run(patch.state, id);
      if (patch.status) prepare("UPDATE incidents SET status = ? WHERE id = ?").run(JSON.stringify(patch.status), id);
    },

    async close() {
      db.close();
    },
  };
}
