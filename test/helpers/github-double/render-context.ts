import { createHash } from "node:crypto";
import type { Json, JsonObject, Spec } from "./load-spec.js";
import { isObject } from "./load-spec.js";

// GitHub-shaped JSON is built from the spec's own published examples with our values laid over
// them, so every field Octokit users may read is present and the shape stays GitHub's.

export interface RenderContext {
  spec: Spec;
  /** The double's base URL, used where GitHub puts https://api.github.com. */
  apiUrl: string;
  app: { id: number; slug: string };
  /** The permissions the installation granted, shown on app and installation objects. */
  permissions: Record<string, "read" | "write">;
  now(): number;
}

/** A fresh copy of `components/examples/<name>`, with GitHub's API host swapped for ours. */
export function example(ctx: RenderContext, name: string): JsonObject {
  const examples = ctx.spec.doc["components"] as JsonObject;
  const node = (examples["examples"] as JsonObject)[name];
  const value = isObject(node) ? node["value"] : undefined;
  if (value === undefined) throw new Error(`[github-double] no spec example named ${name}`);
  const text = JSON.stringify(value).replaceAll("https://api.github.com", ctx.apiUrl);
  const copy = JSON.parse(text) as Json;
  return (Array.isArray(copy) ? copy[0] : copy) as JsonObject;
}

/** GitHub's legacy node ids are base64 of "<len>:<Type><id>"; good enough to be unique and opaque. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

/** A stable numeric id for a login, so the same user keeps the same id across responses. */
export function loginId(login: string): number {
  return createHash("sha256").update(login.toLowerCase()).digest().readUInt32BE(0) % 90_000_000 + 1_000;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function renderUser(ctx: RenderContext, login: string): JsonObject {
  const user = example(ctx, "simple-user");
  const isBot = login.endsWith("[bot]");
  const id = loginId(login);
  const api = `${ctx.apiUrl}/users/${encodeURIComponent(login)}`;
  for (const [k, v] of Object.entries(user)) {
    if (typeof v === "string" && v.startsWith(`${ctx.apiUrl}/users/octocat`)) user[k] = api + v.slice(`${ctx.apiUrl}/users/octocat`.length);
  }
  Object.assign(user, {
    login,
    id,
    node_id: nodeId(isBot ? "Bot" : "User", id),
    html_url: isBot ? `https://github.com/apps/${login.slice(0, -5)}` : `https://github.com/${login}`,
    type: isBot ? "Bot" : "User",
    site_admin: false,
  });
  delete user["name"];
  delete user["email"];
  delete user["starred_at"];
  return user;
}

/** The login GitHub shows for actions taken with an installation token. */
export function botLogin(ctx: RenderContext): string {
  return `${ctx.app.slug}[bot]`;
}
