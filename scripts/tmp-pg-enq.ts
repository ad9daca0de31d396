import { openPostgresStore } from "../src/app/store/postgres-store.js";
import pg from "pg";
const base = process.env.LEAKGUARD_TEST_PG ?? "postgres://leakguard:leakguard@127.0.0.1:5432/postgres";
const name = "tmp_enq_" + Date.now();
const admin = new pg.Client({ connectionString: base }); await admin.connect(); await admin.query(`CREATE DATABASE ${name}`);
const url = base.replace(/\/[^/]*$/, "/" + name);
const store = await openPostgresStore(url, { poolSize: Number(process.argv[3] ?? 10) });
const C = Number(process.argv[2] ?? 16);
const lat: number[] = []; let n = 0;
const payload = "x".repeat(6000);
const t0 = performance.now();
await Promise.all(Array.from({ length: C }, async () => {
  for (let i = n++; i < 600; i = n++) {
    const t = performance.now();
    await store.enqueue({ id: "d" + i, name: "push", payload, digest: "g" + i, key: "repo:acme/r" + (i % 12) });
    lat.push(performance.now() - t);
  }
}));
const wall = performance.now() - t0;
lat.sort((a, b) => a - b);
console.log(`C=${C} p50 ${lat[300]!.toFixed(1)} p99 ${lat[594]!.toFixed(1)} ms, ${(600 / wall * 1000).toFixed(0)}/s`);
await store.close(); if (!process.env.KEEP) await admin.query(`DROP DATABASE ${name}`); else console.log(name); await admin.end();
