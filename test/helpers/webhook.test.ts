import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhooks, createNodeMiddleware } from "@octokit/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhook, makeWebhook, signWebhook } from "./webhook.js";

// The webhook helper must produce deliveries GitHub's own verifier accepts, carrying our values.

const secret = "test-webhook-secret";
const received: { id: string; name: string; payload: Record<string, unknown> }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const webhooks = new Webhooks({ secret });
  webhooks.onAny(({ id, name, payload }) => {
    received.push({ id, name, payload: payload as unknown as Record<string, unknown> });
  });
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  server = createServer(createNodeMiddleware(webhooks, { path: "/api/github/webhooks", log: quiet }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("makeWebhook + deliverWebhook", () => {
  it("delivers a push for our repo, installation and range, signed so @octokit/webhooks accepts it", async () => {
    const before = "1".repeat(40);
    const after = "2".repeat(40);
    const hook = makeWebhook("push", {
      repo: { owner: "acme", name: "shop", id: 77, private: true, default_branch: "trunk", clone_url: "http://127.0.0.1:1/acme/shop.git" },
      installationId: 31,
      ref: "refs/heads/feature",
      before,
      after,
      sender: "mallory",
    });
    const res = await deliverWebhook(url, hook, { secret });
    expect(res.status).toBe(200);
    const got = received.find((r) => r.id === hook.deliveryId);
    expect(got?.name).toBe("push");
    expect(got?.payload).toMatchObject({
      ref: "refs/heads/feature",
      before,
      after,
      created: false,
      deleted: false,
      installation: { id: 31 },
      repository: { id: 77, full_name: "acme/shop", name: "shop", private: true, default_branch: "trunk", clone_url: "http://127.0.0.1:1/acme/shop.git", owner: { login: "acme" } },
      head_commit: { id: after },
      pusher: { name: "mallory" },
      sender: { login: "mallory" },
    });
    expect(JSON.stringify(got?.payload)).not.toContain("Codertocat/Hello-World");
  });

  it("marks a new branch as created and a deletion as deleted with no head commit", () => {
    const created = makeWebhook("push", { before: "0".repeat(40), after: "3".repeat(40) });
    expect(created.payload).toMatchObject({ created: true, deleted: false, head_commit: { id: "3".repeat(40) } });
    const deleted = makeWebhook("push", { before: "3".repeat(40), after: "0".repeat(40) });
    expect(deleted.payload).toMatchObject({ created: false, deleted: true, head_commit: null, commits: [] });
  });

  it("signs the exact bytes it sends, as GitHub's sha256 HMAC", async () => {
    const hook = makeWebhook("installation", { action: "created", installationId: 9, repositories: [{ owner: "acme", name: "shop", id: 77 }] });
    expect(hook.body).toBe(JSON.stringify(hook.payload));
    expect(await signWebhook(secret, hook.body)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hook.payload).toMatchObject({ action: "created", installation: { id: 9, account: { login: "acme" } }, repositories: [{ full_name: "acme/shop", id: 77 }] });
    expect(await new Webhooks({ secret }).verify(hook.body, await signWebhook(secret, hook.body))).toBe(true);
  });

  it("lists added repositories for installation_repositories", () => {
    const hook = makeWebhook("installation_repositories", { action: "added", installationId: 9, repositories: [{ owner: "acme", name: "api", id: 5 }] });
    expect(hook.payload).toMatchObject({ repositories_added: [{ full_name: "acme/api", id: 5 }] });
  });

  it("redelivers the same bytes under the same delivery id", async () => {
    const hook = makeWebhook("push", { repo: { owner: "acme", name: "shop" } });
    await deliverWebhook(url, hook, { secret });
    await deliverWebhook(url, hook, { secret });
    expect(received.filter((r) => r.id === hook.deliveryId)).toHaveLength(2);
  });

  it("can send a wrong or missing signature, which the verifier refuses", async () => {
    const hook = makeWebhook("push", { repo: { owner: "acme", name: "shop" } });
    expect((await deliverWebhook(url, hook, { secret: "not-the-secret" })).status).toBe(400);
    expect((await deliverWebhook(url, hook, { secret, signature: "" })).status).toBe(400);
    expect(received.some((r) => r.id === hook.deliveryId)).toBe(false);
  });

  it("picks an example by action and applies a free-form patch last", () => {
    const hook = makeWebhook("issue_comment", { action: "created", repo: { owner: "acme", name: "shop" }, patch: (p) => ((p["comment"] as Record<string, unknown>)["body"] = "/leakguard recheck") });
    expect(hook.payload).toMatchObject({ action: "created", comment: { body: "/leakguard recheck" }, repository: { full_name: "acme/shop" } });
    expect(() => makeWebhook("no_such_event")).toThrow(/no published example/);
  });
});
