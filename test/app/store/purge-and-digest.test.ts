import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/app/store/sqlite-store.js";
import { tempDir } from "../../helpers/repo.js";

const far = new Date(Date.now() + 60_000);
const never = new Date(0);

// The replay digest itself is held to both stores by store-conformance.test.ts.
describe("SQLite store: retention", () => {
  it("purges finished deliveries before the cutoff, keeps unfinished ones, and leaves no trace of them in the files", async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    const marker = "payload-marker-" + "x".repeat(20);
    await store.enqueue({ id: "done", name: "push", payload: JSON.stringify({ marker }), digest: "d-done" });
    await store.enqueue({ id: "failed", name: "push", payload: JSON.stringify({ marker }), digest: "d-failed" });
    await store.enqueue({ id: "pending", name: "push", payload: "{}", digest: "d-pending" });
    await store.claim();
    await store.finish("done", "done");
    await store.claim();
    await store.finish("failed", "failed", "malformed");
    expect(await store.purge({ deliveries: never, digests: never })).toEqual({ deliveries: 0, digests: 0 });
    expect(await store.purge({ deliveries: far, digests: never })).toEqual({ deliveries: 2, digests: 0 });
    expect([await store.deliveryState("done"), await store.deliveryState("failed"), await store.deliveryState("pending")]).toEqual([null, null, "pending"]);
    // The digests outlive the deliveries: the replay guard still holds.
    expect(await store.enqueue({ id: "again", name: "push", payload: "{}", digest: "d-done" })).toBe(false);
    for (const f of readdirSync(dir)) expect([f, readFileSync(join(dir, f)).includes(marker)]).toEqual([f, false]);
    expect(await store.purge({ deliveries: far, digests: far })).toEqual({ deliveries: 0, digests: 3 });
    expect(await store.enqueue({ id: "again", name: "push", payload: "{}", digest: "d-done" })).toBe(true);
    await store.close();
  });
});
