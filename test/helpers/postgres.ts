import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";

// A fresh database per call on the PostgreSQL server the suite runs against (`.ci/run`
// installs and starts Debian's postgresql). LEAKGUARD_TEST_PG names the server; the
// default is the local socket. No server is a failure, not a skip: the app's PostgreSQL
// mode is part of what this suite guarantees.

const SERVER = process.env.LEAKGUARD_TEST_PG ?? "postgres://leakguard:leakguard@127.0.0.1:5432/postgres";
const created: string[] = [];

function urlFor(db: string): string {
  const u = new URL(SERVER);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVER });
  try {
    await c.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is needed for these tests (LEAKGUARD_TEST_PG=${SERVER}): ${(err as Error).message}`);
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function freshDatabase(): Promise<string> {
  const name = `leakguard_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  created.push(name);
  return urlFor(name);
}

afterAll(async () => {
  const names = created.splice(0);
  if (!names.length) return;
  await admin(async (c) => {
    for (const n of names) await dropDatabase(c, n);
  });
});

/**
 * FORCE ends the sessions left on it, but not an autovacuum worker that happens to be
 * running there: that is the server's own (superuser) session, and the drop fails with
 * 42501 until the worker is done, a moment later. A database still there after that is a
 * throwaway one on a test server: said, and left.
 */
async function dropDatabase(c: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== "42501") throw err;
      if (attempt === 40) return void console.warn(`[test] ${name} not dropped: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
