// The PostgreSQL enqueue behind every webhook acknowledgement, under concurrent deliveries:
// the store's group commit (postgres-store.ts: the deliveries that arrive while one group
// commits go together, one statement, one commit, one NOTIFY) against the reference measured
// in the same run on the same database, one statement and one commit per delivery (the same
// function, called with one delivery each), which is what the enqueue did before.
// Usage: node scripts/run-ts.mjs scripts/bench-pg-enqueue.ts [--deliveries 600] [--concurrency 1,16,32]
// PostgreSQL: LEAKGUARD_TEST_PG (as for the tests) names a server where databases may be created.
import { parseArgs } from "node:util";
import { DELIVERY_TASK, openPostgresStore } from "../src/app/store/postgres-store.js";
import { freshDatabase } from "../test/helpers/postgres.js";
import { runCleanups } from "./lib/vitest-outside.js";

const { values: args } = parseArgs({ options: { deliveries: { type: "string", default: "600" }, concurrency: { type: "string", default: "1,16,32" } } });
const N = Number(args.deliveries);
const store = await openPostgresStore(await freshDatabase());
const payload = JSON.stringify({ ref: "refs/heads/main", filler: "x".repeat(6000) }); // a stored push is a few kB
let run = 0;

/** `C` senders enqueue N deliveries over 12 repositories; each delivery's time and the whole burst's. */
async function burst(C: number, one: (d: { id: string; digest: string; key: string }) => Promise<unknown>) {
  const tag = `r${run++}`;
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let i = next++; i < N; i = next++) {
        const t = performance.now();
        await one({ id: `${tag}-${i}`, digest: `${tag}-digest-${i}`, key: `repo:acme/r${i % 12}` });
        times.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - t0;
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: q(0.5), p99: q(0.99), perSecond: (N / wall) * 1000 };
}

const grouped = (d: { id: string; digest: string; key: string }) => store.enqueue({ ...d, name: "push", payload });
const alone = (d: { id: string; digest: string; key: string }) =>
  store.pool.query("SELECT leakguard.enqueue_deliveries($1, $2, $3, $4, $5, $6, $7)", [[d.digest], [d.id], ["push"], [payload], [d.key], DELIVERY_TASK, store.maxAttempts]);

const f = (x: number) => x.toFixed(1);
console.log(`${N} deliveries of ${payload.length} bytes over 12 repositories, pool of 10 connections`);
console.log("senders  one per statement: p50/p99 ms, per s    grouped: p50/p99 ms, per s    throughput ratio");
for (const C of args.concurrency.split(",").map(Number)) {
  const a = await burst(C, alone);
  const g = await burst(C, grouped);
  console.log(`${String(C).padStart(7)}  ${`${f(a.p50)}/${f(a.p99)}, ${a.perSecond.toFixed(0)}`.padEnd(36)}${`${f(g.p50)}/${f(g.p99)}, ${g.perSecond.toFixed(0)}`.padEnd(30)}${(g.perSecond / a.perSecond).toFixed(2)}x`);
}
await store.close();
await runCleanups();
