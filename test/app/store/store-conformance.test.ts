import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/app/store/sqlite-store.js";
import { openPostgresStore } from "../../../src/app/store/postgres-store.js";
import type { Store } from "../../../src/app/store/store.js";
import { tempDir } from "../../helpers/repo.js";
import { freshDatabase } from "../../helpers/postgres.js";

// One behaviour, two stores: every test of the Store interface runs against SQLite (the
// embedded default) and PostgreSQL (many instances). The SQLite queue's own operations
// (claim, release, recover) are tested below; PostgreSQL's queue is graphile-worker's,
// tested through the worker in test/app/postgres-instances.test.ts.

const STORES: Record<string, () => Promise<Store>> = {
  sqlite: async () => openSqliteStore(tempDir()),
  postgres: async () => openPostgresStore(await freshDatabase()),
};

const incident = {
  repo: "acme/web",
  fingerprint: "f".repeat(32),
  rule: "stripe-live-secret-key" as const,
  severity: "critical" as const,
  redacted: "sk_live_…wxyz",
  vector: "dotenv" as const,
  path: ".env",
  member: null,
  line: 2,
  commit: "a".repeat(40),
  ref: "branch main",
  pusher: "@ada",
  replacementOf: null,
  issueRepo: "acme/web",
  issueNumber: 7,
};

describe.each(Object.keys(STORES))("%s store", (kind) => {
  const open = STORES[kind]!;

  it("records a delivery id once: a redelivery is recognised", async () => {
    const store = await open();
    expect(await store.enqueue({ id: "d1", name: "push", payload: "{}", key: "repo:acme/web" })).toBe(true);
    expect(await store.enqueue({ id: "d1", name: "push", payload: "{}", key: "repo:acme/web" })).toBe(false);
    expect(await store.deliveryState("d1")).toBe("pending");
    expect(await store.deliveryState("nope")).toBeNull();
    expect(await store.unfinished()).toBe(1);
    await store.close();
  });

  it("refuses a body digest seen before, under any delivery id, and keeps no digest of a refused redelivery", async () => {
    const store = await open();
    expect(await store.enqueue({ id: "d1", name: "push", payload: "{}", digest: "aa" })).toBe(true);
    expect(await store.enqueue({ id: "d2", name: "push", payload: "{}", digest: "aa" })).toBe(false);
    expect(await store.deliveryState("d2")).toBeNull();
    expect(await store.enqueue({ id: "d1", name: "push", payload: "{}", digest: "bb" })).toBe(false);
    expect(await store.enqueue({ id: "d3", name: "push", payload: "{}", digest: "bb" })).toBe(true);
    await store.close();
  });

  it("answers a burst of enqueues at once each as if alone: one of each id, one of each body", async () => {
    const store = await open();
    const burst = [
      ...Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, name: "push", payload: "{}", digest: `digest-${i}` })),
      { id: "b3", name: "push", payload: "{}", digest: "another" }, // a redelivery of b3
      { id: "b99", name: "push", payload: "{}", digest: "digest-4" }, // b4's body again
      { id: "b100", name: "push", payload: "{}", digest: "another" }, // the refused redelivery left no digest
    ];
    const answers = await Promise.all(burst.map((d) => store.enqueue(d)));
    expect(answers).toEqual([...Array.from({ length: 30 }, () => true), false, false, true]);
    expect(await store.unfinished()).toBe(31);
    expect(await store.deliveryState("b99")).toBeNull();
    await store.close();
  });

  it("fails only the delivery it cannot take: the rest of its burst is queued", async () => {
    const store = await open();
    const good = Array.from({ length: 5 }, (_, i) => ({ id: `g${i}`, name: "push", payload: "{}", digest: `good-${i}` }));
    // No event name: refused by the schema, as a corrupt row would be.
    const bad = { id: "bad", name: null as unknown as string, payload: "{}", digest: "bad" };
    const answers = await Promise.allSettled([...good.slice(0, 2), bad, ...good.slice(2)].map((d) => store.enqueue(d)));
    expect(answers.map((a) => a.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    expect(await store.unfinished()).toBe(5);
    // The failed body left no digest: sent again, well-formed, it is taken.
    expect(await store.enqueue({ ...bad, name: "push" })).toBe(true);
    await store.close();
  });

  it("purges digests before the cutoff and never a delivery still pending", async () => {
    const store = await open();
    const far = new Date(Date.now() + 60_000);
    await store.enqueue({ id: "d1", name: "push", payload: "{}", digest: "aa" });
    expect(await store.purge({ deliveries: far, digests: new Date(0) })).toEqual({ deliveries: 0, digests: 0 });
    expect(await store.deliveryState("d1")).toBe("pending");
    expect(await store.purge({ deliveries: far, digests: far })).toEqual({ deliveries: 0, digests: 1 });
    expect(await store.enqueue({ id: "d9", name: "push", payload: "{}", digest: "aa" })).toBe(true);
    await store.close();
  });

  it("keeps the archive member a key was found in", async () => {
    const store = await open();
    const inArchive = { ...incident, fingerprint: "e".repeat(32), path: "release.zip", member: "lib/app.jar!config/.env" };
    expect(await store.addIncident(inArchive)).toMatchObject({ path: "release.zip", member: "lib/app.jar!config/.env" });
    expect((await store.openIncidents(inArchive.repo)).find((i) => i.fingerprint === inArchive.fingerprint)?.member).toBe("lib/app.jar!config/.env");
  });

  it("keeps incidents per repo and fingerprint, with their last status", async () => {
    const store = await open();
    const added = await store.addIncident(incident);
    expect(added).toMatchObject({ ...incident, state: "open", status: null });
    await expect(store.addIncident(incident)).rejects.toThrow(/UNIQUE|unique/);
    const status = { inDefaultBranchTip: false, inHistory: true, pathIgnored: true, checkedAt: "2026-01-01T00:00:00Z", checkedCommit: "b".repeat(40) };
    await store.updateIncident(added.id, { status });
    expect((await store.findIncident("acme/web", incident.fingerprint))?.status).toEqual(status);
    await store.updateIncident(added.id, { state: "closed" });
    expect(await store.openIncidents("acme/web")).toEqual([]);
    expect(await store.findIncident("acme/web", "0".repeat(32))).toBeNull();
    await store.close();
  });

  it("remembers repositories and their first full scan", async () => {
    const store = await open();
    expect(await store.getRepo("acme/web")).toBeNull();
    await store.saveRepo({ fullName: "acme/web", installationId: 42, historyScannedAt: null });
    await store.saveRepo({ fullName: "acme/web", installationId: 42, historyScannedAt: "2026-01-01T00:00:00Z" });
    expect(await store.getRepo("acme/web")).toEqual({ fullName: "acme/web", installationId: 42, historyScannedAt: "2026-01-01T00:00:00Z" });
    await store.close();
  });

  it("keeps the scanned tips per repository: the latest per ref, forgets deleted refs, and a first sight replaces them all", async () => {
    const store = await open();
    const [a, b, c, d] = ["a", "b", "c", "d"].map((x) => x.repeat(40));
    expect(await store.scannedTips("acme/web")).toEqual(new Map());
    await store.recordTips("acme/web", new Map([["refs/heads/main", a!], ["refs/heads/dev", b!]]), true);
    await store.recordTips("acme/api", new Map([["refs/heads/main", d!]]));
    await store.recordTips("acme/web", new Map([["refs/heads/main", c!]]));
    expect(await store.scannedTips("acme/web")).toEqual(new Map([["refs/heads/dev", b!], ["refs/heads/main", c!]]));
    await store.recordTips("acme/web", new Map([["refs/heads/dev", null]]));
    expect(await store.scannedTips("acme/web")).toEqual(new Map([["refs/heads/main", c!]]));
    await store.recordTips("acme/web", new Map([["refs/tags/v1", a!]]), true);
    expect(await store.scannedTips("acme/web")).toEqual(new Map([["refs/tags/v1", a!]]));
    expect(await store.scannedTips("acme/api")).toEqual(new Map([["refs/heads/main", d!]]));
    await store.close();
  });
});

describe("SQLite queue", () => {
  it("queues a delivery id once: a redelivery is recognised", async () => {
    const store = openSqliteStore(tempDir());
    expect(await store.enqueue({ id: "d1", name: "push", payload: "{}" })).toBe(true);
    expect(await store.enqueue({ id: "d1", name: "push", payload: "{}" })).toBe(false);
    const job = await store.claim();
    expect(job).toMatchObject({ id: "d1", name: "push", attempts: 1 });
    expect(await store.claim()).toBeNull();
    await store.finish("d1", "done");
    expect(await store.enqueue({ id: "d1", name: "push", payload: "{}" })).toBe(false);
    expect(await store.deliveryState("d1")).toBe("done");
    await store.close();
  });

  it("survives a restart: a job left running is handed out again", async () => {
    const dir = tempDir();
    const first = openSqliteStore(dir);
    await first.enqueue({ id: "d1", name: "push", payload: "{}" });
    await first.enqueue({ id: "d2", name: "push", payload: "{}" });
    await first.claim(); // the process dies while working on d1
    await first.close();

    const second = openSqliteStore(dir);
    expect(await second.recover()).toBe(1);
    expect((await second.claim())?.id).toBe("d1");
    expect((await second.claim())?.id).toBe("d2");
    await second.close();
  });

  it("holds a released job back until its delay has passed", async () => {
    const store = openSqliteStore(tempDir());
    await store.enqueue({ id: "d1", name: "push", payload: "{}" });
    await store.claim();
    await store.release("d1", "GitHub answered 502", 60_000);
    expect(await store.claim()).toBeNull();
    await store.release("d1", "again", 0);
    expect(await store.claim()).toMatchObject({ id: "d1", attempts: 2 });
    await store.close();
  });

  it("never hands out two deliveries of one repository at once, and passes over them to others", async () => {
    const store = openSqliteStore(tempDir());
    await store.enqueue({ id: "a1", name: "push", payload: "{}", key: "repo:acme/a" });
    await store.enqueue({ id: "a2", name: "push", payload: "{}", key: "repo:acme/a" });
    await store.enqueue({ id: "b1", name: "push", payload: "{}", key: "repo:acme/b" });
    expect((await store.claim())?.id).toBe("a1");
    expect((await store.claim())?.id).toBe("b1"); // a2 waits for a1
    expect(await store.claim()).toBeNull();
    await store.finish("a1", "done");
    expect((await store.claim())?.id).toBe("a2");
    await store.close();
  });

  it("takes the queued pushes of one repository together, in order, and only those", async () => {
    const store = openSqliteStore(tempDir());
    for (const id of ["a1", "a2", "a3"]) await store.enqueue({ id, name: "push", payload: "{}", key: "repo:acme/a" });
    await store.enqueue({ id: "i1", name: "installation", payload: "{}", key: "repo:acme/a" });
    await store.enqueue({ id: "a4", name: "push", payload: "{}", key: "repo:acme/a" });
    await store.enqueue({ id: "b1", name: "push", payload: "{}", key: "repo:acme/b" });
    expect((await store.claimBatch(2)).map((d) => [d.id, d.attempts])).toEqual([["a1", 1], ["a2", 1]]);
    expect((await store.claimBatch(50)).map((d) => d.id)).toEqual(["b1"]); // a3 waits for the batch
    expect(await store.claimBatch(50)).toEqual([]); // a3 waits while a1 and a2 run
    await store.finish("a1", "done");
    await store.release("a2", "GitHub answered 502", 60_000);
    // a2 waits out its delay; the next due push goes, but not past the installation job.
    expect((await store.claimBatch(50)).map((d) => d.id)).toEqual(["a3"]);
    await store.finish("a3", "done");
    expect((await store.claimBatch(50)).map((d) => d.id)).toEqual(["i1"]);
    await store.finish("i1", "done");
    expect((await store.claimBatch(50)).map((d) => d.id)).toEqual(["a4"]);
    await store.finish("a4", "done");
    await store.release("a2", "again", 0);
    expect((await store.claimBatch(50)).map((d) => [d.id, d.attempts])).toEqual([["a2", 2]]);
    await store.close();
  });
});
