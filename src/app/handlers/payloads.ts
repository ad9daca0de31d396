import { z } from "zod";
import { UsageError } from "../../errors.js";
import { redactDeep } from "../redact-deep.js";

// The few payload fields the app relies on, checked before use: a delivery that passed the
// signature check but lacks them is a malformed payload, logged and dropped, not a crash.

const repository = z.object({
  name: z.string(),
  full_name: z.string(),
  private: z.boolean(),
  html_url: z.string(),
  clone_url: z.string(),
  default_branch: z.string().optional(),
  master_branch: z.string().optional(),
  owner: z.object({ login: z.string().optional(), name: z.string().nullish() }),
});

export const pushPayload = z.object({
  ref: z.string(),
  before: z.string().regex(/^[0-9a-f]{40,64}$/),
  after: z.string().regex(/^[0-9a-f]{40,64}$/),
  deleted: z.boolean().optional(),
  repository,
  installation: z.object({ id: z.number().int() }),
  sender: z.object({ login: z.string() }).optional(),
  pusher: z.object({ name: z.string() }).optional(),
});

const repoRef = z.object({ full_name: z.string() });

export const installationPayload = z.object({
  action: z.string(),
  installation: z.object({ id: z.number().int() }),
  repositories: z.array(repoRef).optional(),
  repositories_added: z.array(repoRef).optional(),
  repositories_removed: z.array(repoRef).optional(),
});

export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown, event: string): T {
  const res = schema.safeParse(payload);
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  throw new UsageError(`malformed ${event} payload: ${issue.path.join(".") || "body"} ${issue.message}`);
}

const SCHEMAS: Record<string, z.ZodObject> = { push: pushPayload, installation: installationPayload, installation_repositories: installationPayload };

/**
 * What is written to the queue for a delivery: only the fields the job reads (the schemas
 * above; commit messages, author e-mails and the rest are dropped), every string redacted
 * before serialisation (issue 9, item 2). A payload that does not fit its schema keeps its
 * top-level fields that the schema names, redacted, so that the worker can say what is wrong.
 */
export function storedPayload(event: string, payload: unknown): string {
  const schema = SCHEMAS[event];
  if (!schema) return "{}";
  const res = schema.safeParse(payload);
  if (res.success) return JSON.stringify(redactDeep(res.data));
  const known = typeof payload === "object" && payload !== null ? Object.entries(payload).filter(([k]) => k in schema.shape) : [];
  return JSON.stringify(redactDeep(Object.fromEntries(known)));
}
