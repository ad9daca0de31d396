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
  // The webhook's enqueue as one statement for a whole group of deliveries: the
  // acknowledgements that arrive together share one transaction, one commit and one
  // NOTIFY (graphile-worker notifies on every job insert, and NOTIFY serialises commits).
  // Per delivery: the digest, the row and the job, or none of them; a body refused for its
  // delivery id keeps no digest, so a later delivery of the same body is not a replay.
  // Types are looked up at the first call: graphile-worker's schema comes after this one.
  `SET LOCAL check_function_bodies = off;
   CREATE FUNCTION leakguard.enqueue_deliveries(p_digests TEXT[], p_ids TEXT[], p_names TEXT[], p_payloads TEXT[], p_keys TEXT[], p_task TEXT, p_max_attempts INTEGER)
   RETURNS BOOLEAN[] LANGUAGE plpgsql AS $fn$
   DECLARE
     fresh BOOLEAN[] := '{}';
     specs graphile_worker.job_spec[] := '{}';
   BEGIN
     FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
       IF p_digests[i] IS NOT NULL THEN
         INSERT INTO leakguard.seen_bodies (digest, delivery_id) VALUES (p_digests[i], p_ids[i]) ON CONFLICT (digest) DO NOTHING;
         IF NOT FOUND THEN
           fresh := fresh || false;
           CONTINUE;
         END IF;
       END IF;
       INSERT INTO leakguard.deliveries (id, name, payload, repo_key, state) VALUES (p_ids[i], p_names[i], p_payloads[i], p_keys[i], 'pending') ON CONFLICT (id) DO NOTHING;
       IF NOT FOUND THEN
         IF p_digests[i] IS NOT NULL THEN DELETE FROM leakguard.seen_bodies WHERE digest = p_digests[i]; END IF;
         fresh := fresh || false;
         CONTINUE;
       END IF;
       -- A named queue per repository: graphile-worker runs one job of a queue at a time, across every instance.
       specs := specs || ROW(p_task, json_build_object('id', p_ids[i]), p_keys[i], NULL, p_max_attempts, p_ids[i], NULL, NULL)::graphile_worker.job_spec;
       fresh := fresh || true;
     END LOOP;
     IF coalesce(array_length(specs, 1), 0) > 0 THEN PERFORM graphile_worker.add_jobs(specs); END IF;
     RETURN fresh;
   END
   $fn$;`,
  // A key inside an archive: the member it is in, so that the issue says where to look.
  `ALTER TABLE leakguard.incidents ADD COLUMN member TEXT;`,
  // Each job carries its lane (the installation) as a graphile-worker flag, so that an
  // instance can look first for jobs of lanes it is not already running (spread-lanes.ts).
  // The signature without lanes stays, for an instance of the previous version still running.
  `CREATE FUNCTION leakguard.enqueue_deliveries(p_digests TEXT[], p_ids TEXT[], p_names TEXT[], p_payloads TEXT[], p_keys TEXT[], p_lanes TEXT[], p_task TEXT, p_max_attempts INTEGER)
   RETURNS BOOLEAN[] LANGUAGE plpgsql AS $fn$
   DECLARE
     fresh BOOLEAN[] := '{}';
     specs graphile_worker.job_spec[] := '{}';
   BEGIN
     FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
       IF p_digests[i] IS NOT NULL THEN
         INSERT INTO leakguard.seen_bodies (digest, delivery_id) VALUES (p_digests[i], p_ids[i]) ON CONFLICT (digest) DO NOTHING;
         IF NOT FOUND THEN
           fresh := fresh || false;
           CONTINUE;
         END IF;
       END IF;
       INSERT INTO leakguard.deliveries (id, name, payload, repo_key, state) VALUES (p_ids[i], p_names[i], p_payloads[i], p_keys[i], 'pending') ON CONFLICT (id) DO NOTHING;
       IF NOT FOUND THEN
         IF p_digests[i] IS NOT NULL THEN DELETE FROM leakguard.seen_bodies WHERE digest = p_digests[i]; END IF;
         fresh := fresh || false;
         CONTINUE;
       END IF;
       specs := specs || ROW(p_task, json_build_object('id', p_ids[i]), p_keys[i], NULL, p_max_attempts, p_ids[i], NULL,
                             CASE WHEN p_lanes[i] IS NULL THEN NULL ELSE ARRAY[p_lanes[i]] END)::graphile_worker.job_spec;
       fresh := fresh || true;
     END LOOP;
     IF coalesce(array_length(specs, 1), 0) > 0 THEN PERFORM graphile_worker.add_jobs(specs); END IF;
     RETURN fresh;
   END
   $fn$;`,
];
