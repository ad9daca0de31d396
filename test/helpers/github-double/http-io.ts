import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { Reply } from "./route-types.js";

// The wire side of the double: reading a request body and writing an answer with the headers
// GitHub sends on every response (request id, API version, rate-limit budget).

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function send(res: ServerResponse, r: Reply, nowMs: number, rate: { remaining: number }): void {
  rate.remaining = rate.remaining > 1 ? rate.remaining - 1 : 5000;
  const remaining = rate.remaining;
  const headers: Record<string, string> = {
    date: new Date(nowMs).toUTCString(),
    "x-github-request-id": randomUUID().toUpperCase(),
    "x-github-api-version-selected": "2022-11-28",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-used": String(5000 - remaining),
    "x-ratelimit-reset": String(Math.floor(nowMs / 1000) + 3600),
    "x-ratelimit-resource": "core",
    ...(r.headers ?? {}),
  };
  if (r.raw !== undefined) {
    headers["content-type"] = r.raw.contentType;
    headers["content-length"] = String(r.raw.bytes.length);
    res.writeHead(r.status, headers).end(r.raw.bytes);
    return;
  }
  if (r.body === undefined) {
    res.writeHead(r.status, headers).end();
    return;
  }
  const text = JSON.stringify(r.body);
  headers["content-type"] = "application/json; charset=utf-8";
  headers["content-length"] = String(Buffer.byteLength(text));
  res.writeHead(r.status, headers).end(text);
}
