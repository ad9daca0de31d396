// Schema versions for PostgreSQL, applied in order inside one transaction that holds an
// advisory lock, so two instances starting at once apply each version exactly once.
// Append only. The job queue's own tables belong to graphile-worker (schema graphile_worker).
export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE leakguard.deliveries (
     seq BIGSERIAL PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     payload TEXT NOT NULL,
     repo_key TEXT,
     state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     note TEXT,
     received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
     updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE INDEX deliveries_unfinished ON leakguard.deliveries (state) WHERE state IN ('pending', 'running');
   CREATE TABLE leakguard.repos (
     full_name TEXT PRIMARY KEY,
     installation_id BIGINT NOT NULL,
     history_scanned_at TEXT
   );
   CREATE TABLE leakguard.incidents (
     id BIGSERIAL PRIMARY KEY,
     repo TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     rule TEXT NOT NULL,
     severity TEXT NOT NULL,
     redacted TEXT,
     vector TEXT NOT NULL,
     path TEXT NOT NULL,
     line INTEGER NOT NULL,
     commit_oid TEXT,
     ref TEXT,
     pusher TEXT,
     issue_repo TEXT NOT NULL,
     issue_number INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
     status JSONB,
     replacement_of TEXT,
     opened_at TEXT NOT NULL,
     UNIQUE (repo, fingerprint)
   );
   CREATE TABLE leakguard.instances (
     id TEXT PRIMARY KEY,
     worker_ids TEXT[] NOT NULL DEFAULT '{}',
     seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );`,
  // Replay guard: the SHA-256 of every accepted body, kept longer than the deliveries.
  `CREATE TABLE leakguard.seen_bodies (
     digest TEXT PRIMARY KEY,
     delivery_id TEXT NOT NULL,
     received_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE INDEX seen_bodies_received ON leakguard.seen_bodies (received_at);
   CREATE INDEX deliveries_finished ON leakguard.deliveries (state, updated_at);`,
  // What was scanned, not what the mirror holds: a new ref's range excludes only these tips.
  `CREATE TABLE leakguard.scanned_tips (
     repo TEXT NOT NULL,
     ref TEXT NOT NULL,
     oid TEXT NOT NULL,
     PRIMARY KEY (repo, ref)
   );`,
  // The webhook's enqueue as one statement (one round trip, no BEGIN/COMMIT on a pooled
  // client): the digest, the delivery row and the job, or nothing. A body refused for its
  // delivery id keeps no digest, so a later delivery of the same body is not called a replay.
  `CREATE FUNCTION leakguard.enqueue_delivery(p_digest TEXT, p_id TEXT, p_name TEXT, p_payload TEXT, p_key TEXT, p_task TEXT, p_max_attempts INTEGER)
   RETURNS BOOLEAN LANGUAGE plpgsql AS $fn$
   BEGIN
     IF p_digest IS NOT NULL THEN
       INSERT INTO leakguard.seen_bodies (digest, delivery_id) VALUES (p_digest, p_id) ON CONFLICT (digest) DO NOTHING;
       IF NOT FOUND THEN RETURN FALSE; END IF;
     END IF;
     INSERT INTO leakguard.deliveries (id, name, payload, repo_key, state) VALUES (p_id, p_name, p_payload, p_key, 'pending') ON CONFLICT (id) DO NOTHING;
     IF NOT FOUND THEN
       IF p_digest IS NOT NULL THEN DELETE FROM leakguard.seen_bodies WHERE digest = p_digest; END IF;
       RETURN FALSE;
     END IF;
     -- A named queue per repository: graphile-worker runs one job of a queue at a time, across every instance.
     PERFORM graphile_worker.add_job(p_task, json_build_object('id', p_id), queue_name => p_key, max_attempts => p_max_attempts, job_key => p_id);
     RETURN TRUE;
   END
   $fn$;`,
];
