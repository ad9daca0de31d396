import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";

// The operator's settings for the pre-receive hook. Defaults are what a security team can
// leave alone: block live keys and committed .env files, fail closed, finish well inside
// GitHub Enterprise Server's 5 s shared by all pre-receive hooks, no silent size cap, and
// no bypass until someone is reading the audit log.

export const BYPASS_REASONS = ["false-positive", "used-in-tests", "will-fix-later"] as const;

/** The file looked for in the repository (the hook's working directory) when no path is given. */
export const CONFIG_FILE_NAME = "leakguard-hook.yml";

const HookConfigSchema = z.strictObject({
  /** What happens when leakguard errors or runs out of time: reject (closed) or accept (open). */
  failMode: z.enum(["closed", "open"]).default("closed"),
  /** Wall time from process start, Node start-up included. */
  timeBudgetMs: z.number().int().min(1).max(3_600_000).default(3000),
  /** Findings at or above this severity reject the push; lower ones are shown as warnings. */
  blockSeverity: z.enum(["critical", "high", "medium", "low"]).default("high"),
  /** A committed dotenv file (not a template) blocks whatever its severity: it is where the next secret lands. */
  blockDotenvFiles: z.boolean().default(true),
  /** Blobs larger than this are not matched (and are listed as skipped); null scans everything. */
  maxBlobBytes: z.number().int().positive().nullable().default(null),
  bypass: z
    .strictObject({
      allowed: z.boolean().default(false),
      reasons: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case words joined by -")).min(1).default([...BYPASS_REASONS]),
    })
    .prefault({}),
  /** JSON lines, one per bypass; relative paths are taken from the repository directory. */
  auditLog: z.string().min(1).default("leakguard-audit.log"),
});

export type HookConfig = z.infer<typeof HookConfigSchema>;

export interface LoadedConfig {
  config: HookConfig;
  /** The file read, or null when the defaults apply. */
  source: string | null;
}

export function defaultHookConfig(): HookConfig {
  return HookConfigSchema.parse({});
}

/**
 * Finds and validates the config: `--config` first, then LEAKGUARD_HOOK_CONFIG, then
 * `leakguard-hook.yml` in the repository. A file that is named but unreadable or invalid
 * is a UsageError naming the field, never a silent fall-back to defaults.
 */
export function loadHookConfig(opts: { repoDir: string; env: NodeJS.ProcessEnv; path?: string | undefined }): LoadedConfig {
  const named = opts.path ?? opts.env["LEAKGUARD_HOOK_CONFIG"];
  const path = named ? resolve(opts.repoDir, named) : join(opts.repoDir, CONFIG_FILE_NAME);
  if (!named && !existsSync(path)) return { config: withAbsoluteLog(defaultHookConfig(), opts.repoDir), source: null };

  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read hook config ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
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
  return { config: withAbsoluteLog(parsed.data, opts.repoDir), source: path };
}

function withAbsoluteLog(config: HookConfig, repoDir: string): HookConfig {
  return { ...config, auditLog: isAbsolute(config.auditLog) ? config.auditLog : resolve(repoDir, config.auditLog) };
}
