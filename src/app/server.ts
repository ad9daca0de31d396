import express from "express";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { createQuietGate } from "./quiet-gate.js";
import { storedPayload } from "./handlers/payloads.js";
import type { Store } from "./store/store.js";
import { installationLane } from "./store/spread-lanes.js";

// POST /api/github/webhooks: headers, room, size, signature, JSON — in that order — then
// the delivery is committed to the queue and acknowledged. GitHub gives up after 10 s, so
// no work happens here. GET /healthz for load balancers.
// The webhook door is Node's own HTTP handling, not an express route: under a burst the
// thread that answers is the bottleneck, and express's router, request decoration and body
// parser took 0.27 ms of each acknowledgement's 0.7 (scripts/bench-app-ack.ts). Every other
// path is express's.

export const WEBHOOK_PATH = "/api/github/webhooks";
/** GitHub caps payloads at 25 MB; anything larger is not from GitHub. */
export const BODY_LIMIT_BYTES = 25 * 1024 * 1024;
/**
 * Bodies are read before they can be authenticated (the HMAC covers the body), so what
 * unauthenticated senders can make the server hold is bounded: at most this many bodies
 * in flight and this many bytes announced by their Content-Length; beyond, 503 before a
 * byte of the body is read (issue 9, item 6). Two full-size deliveries fit; GitHub's
 * usual deliveries are a few kB, so dozens at once still do. The count is generous because
 * GitHub does not redeliver a delivery that failed: a 503 to a real burst loses it (16 did,
 * for a burst on 32 connections); memory is bounded by the bytes.
 */
export const MAX_BODIES_IN_FLIGHT = 64;
export const MAX_BYTES_IN_FLIGHT = 2 * BODY_LIMIT_BYTES;
export const HANDLED_EVENTS: ReadonlySet<string> = new Set(["push", "installation", "installation_repositories"]);

/** The log calls the door makes: a pino logger, or the door thread's messenger (door-thread.ts). */
type LogCall = (obj: object, msg: string) => void;
export interface DoorLog {
  debug: LogCall;
  info: LogCall;
  warn: LogCall;
  error: LogCall;
}

export interface ServerDeps {
  /** The webhook secret: X-Hub-Signature-256 is its HMAC-SHA256 over the raw body. */
  secret: string;
  store: Pick<Store, "enqueue">;
  log: DoorLog;
  onEnqueued(): void;
  /** The first delivery is being received (true), or the last has been answered (false). */
  onBusy?(busy: boolean): void;
}

class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const REQUIRED_HEADERS = ["x-github-event", "x-hub-signature-256", "x-github-delivery"] as const;

/** A header's value as one string ("" when absent). */
function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return typeof v === "string" ? v : "";
}

function requireHeaders(req: IncomingMessage): void {
  for (const h of REQUIRED_HEADERS) if (!header(req, h)) throw new HttpError(400, `required header missing: ${h}`);
  const type = header(req, "content-type").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "content type must be application/json");
  // GitHub sends bodies as they are: an encoded one would have to be inflated before it is authenticated.
  const encoding = header(req, "content-encoding").trim().toLowerCase();
  if (encoding !== "" && encoding !== "identity") throw new HttpError(415, "content encoding must be identity");
}

/** The repository a delivery touches, so that two deliveries of one repository never run at once. */
function deliveryKey(payload: unknown): string | null {
  const p = payload as { repository?: { full_name?: unknown }; installation?: { id?: unknown } } | null;
  if (typeof p?.repository?.full_name === "string") return `repo:${p.repository.full_name.toLowerCase()}`;
  if (typeof p?.installation?.id === "number") return `installation:${p.installation.id}`;
  return null;
}

/**
 * Admits a body only while the in-flight budget allows it: the slot is given back (release)
 * when the response ends. `busy` hears when the first body comes in and the last goes out.
 */
function inFlightBudget(busy: (busy: boolean) => void) {
  let bodies = 0;
  let bytes = 0;
  const admit = (req: IncomingMessage, res: ServerResponse): void => {
    const declared = Number(header(req, "content-length") || NaN);
    // No (or a bogus) Content-Length: the body may be as large as the limit.
    const reserve = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, BODY_LIMIT_BYTES + 1) : BODY_LIMIT_BYTES;
    if (bodies >= MAX_BODIES_IN_FLIGHT || bytes + reserve > MAX_BYTES_IN_FLIGHT) {
      throw new HttpError(503, "too many deliveries in flight; try again", { "retry-after": "1", connection: "close" });
    }
    if (bodies++ === 0) busy(true);
    bytes += reserve;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      bytes -= reserve;
      if (--bodies === 0) busy(false);
    };
    res.once("finish", release);
    res.once("close", release);
  };
  return admit;
}

/** How long, and how much, of a refused body is read into the void before its connection is cut. */
const LINGER_MS = 10_000;
const LINGER_BYTES = 2 * BODY_LIMIT_BYTES;

/**
 * The rest of a refused body is read and dropped, so that the sender gets to read the 413;
 * a body still coming after LINGER_MS, or past LINGER_BYTES (the sender is not GitHub), has
 * its connection cut: an unauthenticated sender cannot keep the door reading.
 */
function discardRest(req: IncomingMessage): void {
  let dropped = 0;
  const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
  cut.unref();
  req.on("data", (c: Buffer) => {
    dropped += c.length;
    if (dropped > LINGER_BYTES) req.socket.destroy();
  });
  const done = () => clearTimeout(cut);
  req.once("end", done);
  req.socket.once("close", done);
}

/** The body's bytes, refused with 413 past `limit` (by its Content-Length before a byte is read, or as it arrives). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Not "Connection: close": Node would cut the connection as soon as the answer is out,
    // and a sender still writing its body would get a reset instead of the 413.
    const tooLarge = () => new HttpError(413, "payload too large");
    if (Number(header(req, "content-length")) > limit) {
      discardRest(req);
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        discardRest(req);
        chunks.length = 0;
        return reject(tooLarge());
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once("error", reject);
    // A sender gone before the end: nothing to answer; the slot is released by the response's close.
    req.once("aborted", () => reject(new HttpError(400, "request aborted")));
  });
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Constant-time check of `sha256=<hex>` against the HMAC of the exact bytes received, never a decoded string. */
export function signatureMatches(secret: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The webhook path as express matched it before: any case, one trailing slash, any query. */
function isWebhookPath(url: string): boolean {
  const path = url.split("?")[0]!.toLowerCase();
  return path === WEBHOOK_PATH || path === `${WEBHOOK_PATH}/`;
}

export interface Door {
  /** The server's request listener: the webhook door, and express for every other path. */
  listener: RequestListener;
  /**
   * Resolves once no delivery is being received, or after `maxMs`: a job about to start
   * waits for it, so that a burst's acknowledgements are not queued behind the jobs' CPU.
   */
  quiet(maxMs: number): Promise<void>;
}

export function createServer(deps: ServerDeps): Door {
  const rest = express();
  rest.disable("x-powered-by");
  rest.disable("etag");
  rest.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  const gate = createQuietGate();
  const admit = inFlightBudget((busy) => {
    gate.set(busy);
    deps.onBusy?.(busy);
  });
  const webhook = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = header(req, "x-github-delivery");
    const name = header(req, "x-github-event");
    try {
      requireHeaders(req);
      admit(req, res);
      const raw = await readBody(req, BODY_LIMIT_BYTES);
      if (!signatureMatches(deps.secret, raw, header(req, "x-hub-signature-256"))) throw new HttpError(400, "signature does not match the payload and secret");
      let payload: unknown;
      try {
        // Strict UTF-8: a lenient decoder maps different byte strings to one text.
        payload = JSON.parse(UTF8.decode(raw));
      } catch {
        throw new HttpError(400, "payload is not valid JSON");
      }
      if (!HANDLED_EVENTS.has(name)) {
        deps.log.debug({ delivery: id, event: name }, "event not handled; acknowledged");
        return answer(res, 200, { status: "ignored" });
      }
      // X-GitHub-Delivery is not signed: the body's digest is what makes a replay a duplicate.
      const digest = createHash("sha256").update(raw).digest("hex");
      const lane = installationLane((payload as { installation?: { id?: unknown } } | null)?.installation?.id);
      const fresh = await deps.store.enqueue({ id, name, payload: storedPayload(name, payload), digest, key: deliveryKey(payload), lane });
      deps.log.info({ delivery: id, event: name, duplicate: !fresh }, fresh ? "delivery queued" : "delivery already received");
      answer(res, fresh ? 202 : 200, { status: fresh ? "queued" : "duplicate" });
      if (fresh) deps.onEnqueued();
    } catch (err) {
      const e = err instanceof HttpError ? err : null;
      const status = e?.status ?? 500;
      const message = status === 500 ? "internal error" : e!.message;
      deps.log[status >= 500 && status !== 503 ? "error" : "warn"]({ status, delivery: id || undefined, err: status === 500 ? err : undefined }, `webhook rejected: ${message}`);
      answer(res, status, { error: `[leakguard] ${message}` }, e?.headers);
    }
  };

  return {
    listener: (req, res) => {
      if (req.method === "POST" && isWebhookPath(req.url ?? "")) void webhook(req, res);
      else rest(req, res);
    },
    quiet: gate.quiet,
  };
}
