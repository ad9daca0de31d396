import express from "express";
import type { NextFunction, Request, Response } from "express";
import type { Webhooks } from "@octokit/webhooks";
import { redactAll } from "../findings/redact.js";
import type { Logger } from "./create-logger.js";
import type { Store } from "./store/store.js";

// POST /api/github/webhooks: headers, size, signature, JSON — in that order — then the
// delivery is committed to the queue and acknowledged. GitHub gives up after 10 s, so no
// work happens here. GET /healthz for load balancers.

export const WEBHOOK_PATH = "/api/github/webhooks";
/** GitHub caps payloads at 25 MB; anything larger is not from GitHub. */
export const BODY_LIMIT = "25mb";
export const HANDLED_EVENTS: ReadonlySet<string> = new Set(["push", "installation", "installation_repositories"]);

export interface ServerDeps {
  webhooks: Pick<Webhooks, "verify">;
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

export function createServer(deps: ServerDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.post(WEBHOOK_PATH, requireHeaders, express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res, next) => {
    const id = req.get("x-github-delivery")!;
    const name = req.get("x-github-event")!;
    const log = deps.log.child({ delivery: id, event: name });
    try {
      const body = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
      if (!(await deps.webhooks.verify(body, req.get("x-hub-signature-256")!))) throw new HttpError(400, "signature does not match the payload and secret");
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        throw new HttpError(400, "payload is not valid JSON");
      }
      if (!HANDLED_EVENTS.has(name)) {
        log.info("event not handled; acknowledged");
        res.status(200).json({ status: "ignored" });
        return;
      }
      // A push payload carries commit messages: whatever key-shaped text is in there is
      // redacted before the delivery touches the disk.
      const stored = redactAll(JSON.stringify(payload));
      const fresh = await deps.store.enqueue({ id, name, payload: stored, key: deliveryKey(payload) });
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
    deps.log[status >= 500 ? "error" : "warn"]({ status, delivery: req.get("x-github-delivery"), err: status >= 500 ? err : undefined }, `webhook rejected: ${message}`);
    res.status(status).json({ error: `[leakguard] ${message}` });
  });
  return app;
}
