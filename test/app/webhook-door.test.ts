import { createHmac } from "node:crypto";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import type { ClientRequest, IncomingMessage } from "node:http";
import { getPriority } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_LIMIT_BYTES, MAX_BODIES_IN_FLIGHT } from "../../src/app/server.js";
import type { RunningApp } from "../../src/app/start-app.js";
import { JOBS_NICE } from "../../src/app/start-door.js";
import { fakeKey } from "../helpers/keys.js";
import type { ServedRepo, World } from "./harness.js";
import { E2E_TIMEOUT, SECRET, createWorld, expectKeyNowhere, settle } from "./harness.js";

// Issue 9, item 6: replays, signatures over the bytes actually received, and what
// unauthenticated senders can make the server hold.

describe("the webhook door", { timeout: E2E_TIMEOUT }, () => {
  let world: World;
  let app: RunningApp;
  let repo: ServedRepo;

  beforeAll(async () => {
    world = await createWorld();
    app = await world.start();
    repo = world.addRepo("shop");
    repo.work.commit("init", { "a.txt": "a\n" });
  });
  afterAll(() => app.close());

  const url = () => new URL(`${app.url}/api/github/webhooks`);
  const sign = (body: Buffer) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  const post = (body: Buffer, signature: string, id: string) =>
    fetch(url(), { method: "POST", headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": id, "x-hub-signature-256": signature }, body });

  it("does not process a captured body twice when it is re-sent under a new delivery id", async () => {
    const payload = repo.pushPayload(repo.push());
    const first = await world.deliver(app, "push", payload);
    await settle(app);
    const replay = await world.deliver(app, "push", payload); // same signed bytes, fresh X-GitHub-Delivery
    await settle(app);
    expect([first.status, replay.status]).toEqual([202, 200]);
    expect(await app.store.deliveryState(replay.id)).toBeNull();
    expect(world.gh.state.checkRunsOf(repo.fullName)).toHaveLength(1);
  });

  it("checks the signature over the raw bytes: a body that only decodes to the signed text is refused", async () => {
    repo.work.commit("more", { "b.txt": "b\n" });
    const signed = Buffer.from(JSON.stringify({ ...repo.pushPayload(repo.push()), note: "\uFFFD" }));
    const signature = sign(signed);
    // U+FFFD is what a lenient decoder makes of a stray 0xFF: different bytes, same text.
    const at = signed.indexOf(Buffer.from("\uFFFD"));
    const forged = Buffer.concat([signed.subarray(0, at), Buffer.from([0xff]), signed.subarray(at + 3)]);
    expect(forged.toString("utf8")).toBe(signed.toString("utf8"));
    const res = await post(forged, signature, "forged-bytes");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "[leakguard] signature does not match the payload and secret" });
    expect(await app.store.deliveryState("forged-bytes")).toBeNull();
    // Correctly signed, but not UTF-8: not JSON GitHub would send.
    const bad = await post(forged, sign(forged), "invalid-utf8");
    expect(bad.status).toBe(400);
    expect((await post(signed, signature, "the-real-one")).status).toBe(202);
    await settle(app);
  });

  it("answers 503 to unauthenticated bodies beyond the in-flight cap before reading them", async () => {
    // More senders than the cap announce 100 kB each (within the byte budget) and send one
    // byte: none can be authenticated yet.
    const SENDERS = MAX_BODIES_IN_FLIGHT + 44;
    const senders: { req: ClientRequest; res: Promise<IncomingMessage> }[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const req = request(url(), {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": 100_000, "x-github-event": "push", "x-github-delivery": `flood-${i}`, "x-hub-signature-256": "sha256=00" },
      });
      const res = new Promise<IncomingMessage>((resolve) => req.once("response", resolve));
      req.on("error", () => {});
      req.write("{");
      senders.push({ req, res });
    }
    const answered: number[] = [];
    await new Promise<void>((resolve) => {
      for (const s of senders)
        void s.res.then((r) => {
          answered.push(r.statusCode ?? 0);
          r.resume();
          if (answered.length === SENDERS - MAX_BODIES_IN_FLIGHT) resolve();
        });
    });
    // Every sender beyond the cap was refused while its body was still unsent; the admitted
    // ones are still being read (their bodies never complete).
    expect(answered).toEqual(Array(SENDERS - MAX_BODIES_IN_FLIGHT).fill(503));
    for (const s of senders) s.req.destroy();

    // Two bodies announced at 20 MB fit the byte budget, a third does not.
    const big = [0, 1, 2].map((i) => {
      const req = request(url(), {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": 20 * 1024 * 1024, "x-github-event": "push", "x-github-delivery": `big-${i}`, "x-hub-signature-256": "sha256=00" },
      });
      req.on("error", () => {});
      req.write("{");
      return { req, res: new Promise<IncomingMessage>((resolve) => req.once("response", resolve)) };
    });
    expect((await Promise.race(big.map((b) => b.res))).statusCode).toBe(503);
    for (const b of big) b.req.destroy();

    // Once the senders are gone their slots are free again: a real delivery goes through.
    repo.work.commit("after the flood", { "c.txt": "c\n" });
    const payload = repo.pushPayload(repo.push());
    let status = 0;
    for (let i = 0; i < 100 && status !== 202; i++) {
      status = (await world.deliver(app, "push", payload, { id: `after-flood-${i}` })).status;
      if (status === 503) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(202);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("takes deliveries at the path as configured on GitHub, with a trailing slash or a query too", async () => {
    for (const [i, path] of ["/api/github/webhooks/", "/api/github/webhooks?source=github", "/API/GitHub/Webhooks"].entries()) {
      repo.work.commit(`path ${i}`, { [`p${i}.txt`]: "p\n" });
      const body = Buffer.from(JSON.stringify(repo.pushPayload(repo.push())));
      const res = await fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": `path-${i}`, "x-hub-signature-256": sign(body) }, body });
      expect(res.status).toBe(202);
    }
  });

  it("refuses an encoded body with 415 before authenticating it: it would have to be inflated first", async () => {
    repo.work.commit("gzip", { "d.txt": "d\n" });
    const body = Buffer.from(JSON.stringify(repo.pushPayload(repo.push())));
    const res = await fetch(url(), {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip", "x-github-event": "push", "x-github-delivery": "gzipped", "x-hub-signature-256": sign(body) },
      body: gzipSync(body),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: "[leakguard] content encoding must be identity" });
    expect(await app.store.deliveryState("gzipped")).toBeNull();
  });

  it("refuses a body whose Content-Length is over GitHub's cap with 413 before a byte of it is read", async () => {
    const { res, req } = await new Promise<{ res: IncomingMessage; req: ClientRequest }>((resolve, reject) => {
      const r = request(url(), { method: "POST", headers: { "content-type": "application/json", "content-length": String(BODY_LIMIT_BYTES + 1), "x-github-event": "push", "x-github-delivery": "announced-big", "x-hub-signature-256": "sha256=00" } }, (answer) =>
        resolve({ res: answer, req: r }),
      );
      r.on("error", reject);
      r.write("{"); // the rest never comes: the answer must not wait for it
    });
    expect(res.statusCode).toBe(413);
    req.destroy();
    expect(await app.store.deliveryState("announced-big")).toBeNull();
  });

  it("acknowledges from a thread of its own, whose log lines reach the app's log, redacted", async () => {
    repo.work.commit("door thread", { "e.txt": "e\n" });
    const payload = repo.pushPayload(repo.push());
    const key = fakeKey();
    // X-GitHub-Delivery is not signed: whoever sends it chooses it, and the rejection logs it.
    const res = await post(Buffer.from(JSON.stringify(payload)), "sha256=0", `door-${key}`);
    expect(res.status).toBe(400);
    const { id } = await world.deliver(app, "push", payload);
    await settle(app);
    const queued = world.logs.map((l) => JSON.parse(l) as { msg: string; delivery?: string }).find((l) => l.msg === "delivery queued" && l.delivery === id);
    expect(queued).toBeDefined();
    expect(world.logs.some((l) => l.includes("webhook rejected: signature does not match") && l.includes("door-sk_live_"))).toBe(true);
    expectKeyNowhere(world, key);
  });

  it("leaves the jobs' thread below its own priority", () => {
    // startApp ran on this thread; the door's thread was started before the nice was raised.
    expect(getPriority()).toBeGreaterThanOrEqual(JOBS_NICE);
  });
});

