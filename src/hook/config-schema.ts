import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { SEVERITIES } from "../vocabulary/index.js";
import type { HookConfig } from "./config.js";
import { DEFAULT_HOOK_CONFIG, INLINE_ALLOW } from "./config.js";

// Validation of an operator's config file. Kept apart from config.ts so that a hook with
// no config file never loads zod and yaml: every push pays for what the hook imports.

const D = DEFAULT_HOOK_CONFIG;

export const HookConfigSchema = z.strictObject({
  failMode: z.enum(["closed", "open"]).default(D.failMode),
  timeBudgetMs: z.number().int().min(1).max(3_600_000).default(D.timeBudgetMs),
  blockSeverity: z.enum(SEVERITIES).default(D.blockSeverity),
  blockDotenvFiles: z.boolean().default(D.blockDotenvFiles),
  maxBlobBytes: z.number().int().positive().nullable().default(D.maxBlobBytes),
  bypass: z
    .strictObject({
      allowed: z.boolean().default(D.bypass.allowed),
      reasons: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case words joined by -")).min(1).default([...D.bypass.reasons]),
    })
    .prefault({}),
  allowReplaceRefs: z.boolean().default(D.allowReplaceRefs),
  blockKnownKeys: z.boolean().default(D.blockKnownKeys),
  auditLog: z.string().min(1).default(D.auditLog),
  inlineAllow: z.enum(INLINE_ALLOW).default(D.inlineAllow),
});

// The schema and the hand-written type must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.infer<typeof HookConfigSchema>, HookConfig> = true;
void sameShape;

/** YAML text -> validated config; a UsageError naming the first bad field otherwise. */
export function parseHookConfig(text: string, path: string): HookConfig {
  let raw: unknown;
  try {
    raw = text.trim() === "" ? {} : parseYaml(text);
  } catch (err) {
    throw new UsageError(`hook config ${path} is not valid YAML: ${(err as Error).message.split("\n")[0]!.replace(/:$/, "")}`);
  }
  const parsed = HookConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new UsageError(`bad hook config ${path}: ${where}: ${issue.message}`);
  }
  return parsed.data;
}
