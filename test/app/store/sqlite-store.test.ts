import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/app/store/sqlite-store.js";
import { tempDir } from "../../helpers/repo.js";

const incident = {
  repo: "acme/web",
  fingerprint: "f".repeat(32),
  rule: "stripe-live-secret-key" as const,
  severity: "critical" as const,
  redacted: "sk_live_…wxyz",
  vector: "dotenv" as const,
  path: ".env",
  line: 2,
  commit: "a".repeat(40),
  ref: "branch main",
  pusher: "@ada",
  replacementOf: null,
  issueRepo: "acme/web",
  issueNumber: 7,
};

describe("SQLite store", () => {
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

  it("keeps incidents per repo and fingerprint, with their last status", async () => {
    const store = openSqliteStore(tempDir());
    const added = await store.addIncident(incident);
    expect(added).toMatchObject({ ...incident, state: "open", status: null });
    await expect(store.addIncident(incident)).rejects.toThrow(/UNIQUE/);
    const status = { inDefaultBranchTip: false, inHistory: true, pathIgnored: true, checkedAt: "2026-01-01T00:00:00Z", checkedCommit: "b".repeat(40) };
    await store.updateIncident(added.id, { status });
    expect((await store.findIncident("acme/web", incident.fingerprint))?.status).toEqual(status);
    await store.updateIncident(added.id, { state: "closed" });
    expect(await store.openIncidents("acme/web")).toEqual([]);
    await store.close();
  });
});
