// Schema versions, applied in order and recorded in `PRAGMA user_version`. Append only.
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE deliveries (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     payload TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
     attempts INTEGER NOT NULL,
     not_before INTEGER NOT NULL DEFAULT 0,
     note TEXT,
     received_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX deliveries_pending ON deliveries (state, seq);
   CREATE TABLE repos (
     full_name TEXT PRIMARY KEY,
     installation_id INTEGER NOT NULL,
     history_scanned_at TEXT
   );
   CREATE TABLE incidents (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
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
     status TEXT,
     replacement_of TEXT,
     opened_at TEXT NOT NULL,
     UNIQUE (repo, fingerprint)
   );`,
  // Replay guard (issue 9, item 6): the SHA-256 of every accepted body, kept longer than the
  // deliveries themselves so that a captured body re-sent under a new delivery id is refused.
  `CREATE TABLE seen_bodies (
     digest TEXT PRIMARY KEY,
     delivery_id TEXT NOT NULL,
     received_at TEXT NOT NULL
   );
   CREATE INDEX seen_bodies_received ON seen_bodies (received_at);
   CREATE INDEX deliveries_finished ON deliveries (state, updated_at);`,
  // Deliveries of one repository run one at a time, whichever worker takes them.
  `ALTER TABLE deliveries ADD COLUMN repo_key TEXT;
   CREATE INDEX deliveries_running_key ON deliveries (repo_key) WHERE state = 'running';`,
  // What was scanned, not what the mirror holds: a new ref's range excludes only these tips.
  `CREATE TABLE scanned_tips (
     repo TEXT NOT NULL,
     ref TEXT NOT NULL,
     oid TEXT NOT NULL,
     PRIMARY KEY (repo, ref)
   );`,
  // A key inside an archive: the member it is in, so that the issue says where to look.
  `ALTER TABLE incidents ADD COLUMN member TEXT;`,
];
