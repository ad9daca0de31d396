import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Webhooks } from "@octokit/webhooks";

// Real webhook deliveries for tests: GitHub's published example payloads
// (@octokit/webhooks-examples) with our repo/installation/refs laid over them, serialized once
// and signed for real, then POSTed with the headers GitHub sends.
//
//   const hook = makeWebhook("push", { repo, installationId: inst.id, ref: "refs/heads/main", before, after });
//   const res = await deliverWebhook(`${appUrl}/api/github/webhooks`, hook, { secret });
//   await deliverWebhook(url, hook, { secret });            // a redelivery: same bytes, same delivery id
//   await deliverWebhook(url, hook, { secret: "wrong" });   // a bad signature

type Payload = Record<string, unknown>;

/** Anything shaped like a repository; the double's RepoRecord fits. */
export interface RepoLike {
  owner: string;
  name: string;
  id?: number;
  private?: boolean;
  default_branch?: string;
  clone_url?: string;
}

export interface WebhookOptions {
  action?: string;
  /** Chooses among the published examples of this event (default: the first with an installation). */
  pick?: (example: Payload) => boolean;
  repo?: RepoLike;
  /** For installation events: the repositories listed (`repositories` / `repositories_added`). */
  repositories?: RepoLike[];
  installationId?: number;
  /** Push fields; `created`/`deleted`, `head_commit` and `compare` follow from them. */
  ref?: string;
  before?: string;
  after?: string;
  /** Login of the user who pushed / acted. */
  sender?: string;
  /** Last word: edit the payload freely before it is serialized. */
  patch?: (payload: Payload) => void;
}

export interface Webhook {
  event: string;
  deliveryId: string;
  payload: Payload;
  /** The exact bytes sent and signed. */
  body: string;
}

interface Definition {
  name: string;
  examples: Payload[];
}

const ZERO = "0".repeat(40);
let definitions: Definition[] | undefined;

/** A deep copy of a published example payload for `event` (and `action`). */
export function webhookExample(event: string, action?: string, pick?: (example: Payload) => boolean): Payload {
  if (!definitions) {
    const file = createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json");
    definitions = JSON.parse(readFileSync(file, "utf8")) as Definition[];
  }
  const def = definitions.find((d) => d.name === event);
  if (!def) throw new Error(`[webhook] no published example for event "${event}"`);
  const candidates = def.examples.filter((e) => action === undefined || e["action"] === action);
  const chosen = (pick ? candidates.find(pick) : (candidates.find((e) => e["installation"] !== undefined) ?? candidates[0])) ?? undefined;
  if (!chosen) throw new Error(`[webhook] no published example for "${event}"${action ? ` action "${action}"` : ""} matching the filter`);
  return structuredClone(chosen);
}

export function makeWebhook(event: string, options: WebhookOptions = {}): Webhook {
  const defaultPick = event === "push" && options.pick === undefined ? (e: Payload) => String(e["ref"]).startsWith("refs/heads/") && e["head_commit"] !== null : options.pick;
  let payload = webhookExample(event, options.action, defaultPick);
  if (options.repo) payload = withRepo(payload, options.repo);
  if (options.installationId !== undefined) {
    const installation = (payload["installation"] as Payload | undefined) ?? {};
    payload["installation"] = { ...installation, id: options.installationId, node_id: Buffer.from(`Installation${options.installationId}`).toString("base64") };
  }
  // The installation belongs to the repositories' owner.
  const owner = options.repo?.owner ?? options.repositories?.[0]?.owner;
  const installation = payload["installation"] as Payload | undefined;
  if (owner !== undefined && installation && typeof installation["account"] === "object" && installation["account"] !== null) {
    installation["account"] = { ...(installation["account"] as Payload), login: owner, html_url: `https://github.com/${owner}` };
  }
  if (options.repositories) {
    const list = options.repositories.map((r) => ({ id: r.id ?? 1, node_id: Buffer.from(`Repository${r.id ?? 1}`).toString("base64"), name: r.name, full_name: `${r.owner}/${r.name}`, private: r.private ?? false }));
    if ("repositories" in payload) payload["repositories"] = list;
    if ("repositories_added" in payload) payload["repositories_added"] = list;
  }
  if (event === "push") patchPush(payload, options);
  if (options.sender !== undefined) {
    payload["sender"] = { ...(payload["sender"] as Payload), login: options.sender, html_url: `https://github.com/${options.sender}` };
    if (event === "push") payload["pusher"] = { name: options.sender, email: `${options.sender}@users.noreply.github.com` };
  }
  options.patch?.(payload);
  return { event, deliveryId: randomUUID(), payload, body: JSON.stringify(payload) };
}

/** GitHub's `X-Hub-Signature-256` value: "sha256=" + HMAC-SHA256 of the body (via @octokit/webhooks). */
export async function signWebhook(secret: string, body: string): Promise<string> {
  return new Webhooks({ secret }).sign(body);
}

export interface DeliverOptions {
  secret: string;
  /** Send this signature instead of the real one (e.g. a tampered or missing one: ""). */
  signature?: string;
}

/** POSTs the delivery as GitHub does; resolves with the HTTP status and response text. */
/** The headers and body GitHub would send for `hook` (signed unless options say otherwise). */
export async function webhookRequest(hook: Webhook, options: DeliverOptions): Promise<{ headers: Record<string, string>; body: string }> {
  const signature = options.signature ?? (await signWebhook(options.secret, hook.body));
  const installation = hook.payload["installation"] as Payload | undefined;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/leakguard-test",
    "x-github-event": hook.event,
    "x-github-delivery": hook.deliveryId,
    "x-github-hook-id": "1",
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": String(installation?.["id"] ?? ""),
  };
  if (signature !== "") headers["x-hub-signature-256"] = signature;
  return { headers, body: hook.body };
}

export async function deliverWebhook(url: string, hook: Webhook, options: DeliverOptions): Promise<{ status: number; text: string }> {
  const { headers, body } = await webhookRequest(hook, options);
  const res = await fetch(url, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

function withRepo(payload: Payload, repo: RepoLike): Payload {
  const example = payload["repository"] as Payload | undefined;
  const oldName = typeof example?.["full_name"] === "string" ? example["full_name"] : "Codertocat/Hello-World";
  const fullName = `${repo.owner}/${repo.name}`;
  const oldOwner = oldName.split("/")[0] ?? "";
  const text = JSON.stringify(payload).replaceAll(oldName, fullName).replaceAll(`/users/${oldOwner}/`, `/users/${repo.owner}/`).replaceAll(`/users/${oldOwner}"`, `/users/${repo.owner}"`);
  const out = JSON.parse(text) as Payload;
  const r = out["repository"] as Payload | undefined;
  if (!r) return out;
  const branch = repo.default_branch ?? String(r["default_branch"] ?? "main");
  Object.assign(r, {
    ...(repo.id !== undefined ? { id: repo.id, node_id: Buffer.from(`Repository${repo.id}`).toString("base64") } : {}),
    name: repo.name,
    full_name: fullName,
    private: repo.private ?? false,
    visibility: (repo.private ?? false) ? "private" : "public",
    default_branch: branch,
    ...("master_branch" in r ? { master_branch: branch } : {}),
    clone_url: repo.clone_url ?? `https://github.com/${fullName}.git`,
  });
  r["owner"] = { ...(r["owner"] as Payload), login: repo.owner, name: repo.owner, html_url: `https://github.com/${repo.owner}` };
  return out;
}

function patchPush(payload: Payload, options: WebhookOptions): void {
  if (options.ref !== undefined) payload["ref"] = options.ref;
  if (options.before !== undefined) payload["before"] = options.before;
  if (options.after !== undefined) payload["after"] = options.after;
  const before = String(payload["before"]);
  const after = String(payload["after"]);
  const repo = payload["repository"] as Payload;
  payload["created"] = before === ZERO;
  payload["deleted"] = after === ZERO;
  payload["compare"] = `${String(repo["html_url"])}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`;
  const template = (payload["head_commit"] as Payload | null) ?? ((payload["commits"] as Payload[])[0] ?? null);
  if (after === ZERO || !template) {
    payload["head_commit"] = null;
    payload["commits"] = [];
    return;
  }
  const head = { ...template, id: after, url: `${String(repo["html_url"])}/commit/${after}` };
  payload["head_commit"] = head;
  payload["commits"] = [head];
}
