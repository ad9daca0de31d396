import express from "express";
import type { NextFunction, Request, Response } from "express";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Logger } from "./create-logger.js";
import { storedPayload } from "./handlers/payloads.js";
import type { Store } from "./store/store.js";

// POST /api/github/webhooks: headers, room, size, signature, JSON — in that order — then
// the delivery is committed to the queue and acknowledged. GitHub gives up after 10 s, so
// no work happens here. GET /healthz for load balancers.

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

export interface ServerDeps {
  /** The webhook secret: X-Hub-Signature-256 is its HMAC-SHA256 over the raw body. */
  secret: string;
  store: Store;
  log: Logger;
  onEnqueued(): void;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function requireHeaders(req: Request, _res: Response, next: NextFunction): void {
  for (const h of ["x-github-event", "x-hub-signature-256", "x-github-delivery"]) {
    if (!req.get(h)) return next(new HttpError(400, `required header missing: ${h}`));
  }
  if (!req.is("application/json")) return next(new HttpError(415, "content type must be application/json"));
  next();
}

/** The repository a delivery touches, so that two deliveries of one repository never run at once. */
function deliveryKey(payload: unknown): string | null {
  const p = payload as { repository?: { full_name?: unknown }; installation?: { id?: unknown } } | null;
  if (typeof p?.repository?.full_name === "string") return `repo:${p.repository.full_name.toLowerCase()}`;
  if (typeof p?.installation?.id === "number") return `installation:${p.installation.id}`;
  return null;
}

/** Admits a body only while the in-flight budget allows it; the slot is given back when the response ends. */
function limitInFlight(): express.RequestHandler {
  let bodies = 0;
  let bytes = 0;
  return (req, res, next) => {
    const declared = Number(req.get("content-length"));
    // No (or a bogus) Content-Length: the body may be as large as the limit.
    const reserve = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, BODY_LIMIT_BYTES + 1) : BODY_LIMIT_BYTES;
    if (bodies >= MAX_BODIES_IN_FLIGHT || bytes + reserve > MAX_BYTES_IN_FLIGHT) {
      res.set("retry-after", "1").set("connection", "close");
      return next(new HttpError(503, "too many deliveries in flight; try again"));
    }
    bodies++;
    bytes += reserve;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      bodies--;
      bytes -= reserve;
    };
    res.once("finish", release);
    res.once("close", release);
    next();
  };
}

/** Constant-time check of `sha256=<hex>` against the HMAC of the exact bytes received, never a decoded string. */
export function signatureMatches(secret: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function createServer(deps: ServerDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.post(WEBHOOK_PATH, requireHeaders, limitInFlight(), express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }), async (req, res, next) => {
    const id = req.get("x-github-delivery")!;
    const name = req.get("x-github-event")!;
    const log = deps.log.child({ delivery: id, event: name });
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!signatureMatches(deps.secret, raw, req.get("x-hub-signature-256")!)) throw new HttpError(400, "signature does not match the payload and secret");
      let payload: unknown;
      try {
        // Strict UTF-8: a lenient decoder maps different byte strings to one text.
        payload = JSON.parse(UTF8.decode(raw));
      } catch {
        throw new HttpError(400, "payload is not valid JSON");
      }
      if (!HANDLED_EVENTS.has(name)) {
        log.debug("event not handled; acknowledged");
        res.status(200).json({ status: "ignored" });
        return;
      }
      // X-GitHub-Delivery is not signed: the body's digest is what makes a replay a duplicate.
      const digest = createHash("sha256").update(raw).digest("hex");
      const fresh = await deps.store.enqueue({ id, name, payload: storedPayload(name, payload), digest, key: deliveryKey(payload) });
      log.info({ duplicate: !fresh }, fresh ? "delivery queued" : "delivery already received");
      res.status(fresh ? 202 : 200).json({ status: fresh ? "queued" : "duplicate" });
      if (fresh) deps.onEnqueued();
    } catch (err) {
      next(err);
    }
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode ?? 500;
    const message = e.type === "entity.too.large" ? "payload too large" : status === 500 ? "internal error" : (e.message ?? "bad request");
    deps.log[status >= 500 && status !== 503 ? "error" : "warn"]({ status, delivery: req.get("x-github-delivery"), err: status === 500 ? err : undefined }, `webhook rejected: ${message}`);
    res.status(status).json({ error: `[leakguard] ${message}` });
  });
  return app;
}
