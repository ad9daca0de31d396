import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Severity } from "../vocabulary/index.js";
import { UsageError } from "../errors.js";
import type { InlineAllow } from "../findings/apply-inline-allow.js";

// The operator's settings for the pre-receive hook. Defaults are what a security team can
// leave alone: block live keys and committed .env files, fail closed, finish well inside
// GitHub Enterprise Server's 5 s shared by all pre-receive hooks, no silent size cap, and
// no bypass until someone is reading the audit log. docs/hook.md explains each one.

export const BYPASS_REASONS = ["false-positive", "used-in-tests", "will-fix-later"] as const;
export { INLINE_ALLOW } from "../findings/apply-inline-allow.js";

/** The file looked for in the repository (the hook's working directory) when no path is given. */
export const CONFIG_FILE_NAME = "leakguard-hook.yml";

export interface HookConfig {
  /** What happens when leakguard errors or runs out of time: reject (closed) or accept (open). */
  failMode: "closed" | "open";
  /** Wall time from process start, Node start-up included. */
  timeBudgetMs: number;
  /** Findings at or above this severity reject the push; lower ones are shown as warnings. */
  blockSeverity: Severity;
  /** A committed dotenv file (not a template) blocks whatever its severity: it is where the next secret lands. */
  blockDotenvFiles: boolean;
  /** Blobs larger than this are not matched (and are listed as skipped); null scans everything. */
  maxBlobBytes: number | null;
  bypass: { allowed: boolean; reasons: string[] };
  /**
   * Which keys an inline `leakguard:allow` comment may let through. The comment is written
   * by the pusher, so it is not a bypass: "test-keys" (default) honours it for test-mode
   * keys only, "all" for live keys too (each one so let through is written to the audit
   * log, like a bypass), "none" never.
   */
  inlineAllow: InlineAllow;
  /**
   * Whether a push may create or move `refs/replace/*`. A replace ref makes git show one
   * object in place of another (a clean decoy for a leaking commit), so it is refused by
   * default; its objects are scanned either way.
   */
  allowReplaceRefs: boolean;
  /**
   * Whether a key the server already held before a push (docs/hook.md, "what a push adds")
   * blocks that push like a new one. Off by default: the push does not add it, and refusing
   * it only stops work on files that already hold it; it is shown as a warning instead.
   */
  blockKnownKeys: boolean;
  /** JSON lines, one per bypass; relative paths are taken from the repository directory. */
  auditLog: string;
}

export const DEFAULT_HOOK_CONFIG: Readonly<HookConfig> = Object.freeze({
  failMode: "closed",
  timeBudgetMs: 4000,
  blockSeverity: "high",
  blockDotenvFiles: true,
  maxBlobBytes: null,
  bypass: Object.freeze({ allowed: false, reasons: [...BYPASS_REASONS] }),
  inlineAllow: "test-keys",
  allowReplaceRefs: false,
  blockKnownKeys: false,
  auditLog: "leakguard-audit.log",
});

export function defaultHookConfig(): HookConfig {
  return { ...DEFAULT_HOOK_CONFIG, bypass: { ...DEFAULT_HOOK_CONFIG.bypass, reasons: [...DEFAULT_HOOK_CONFIG.bypass.reasons] } };
}

export interface HookConfigFile {
  config: HookConfig;
  /** The file read, or null when the defaults apply. */
  source: string | null;
}

/**
 * Finds and validates the config: `--config` first, then LEAKGUARD_HOOK_CONFIG, then
 * `leakguard-hook.yml` in the repository. A file that is named but unreadable or invalid
 * is a UsageError naming the field, never a silent fall-back to defaults.
 */
export async function loadHookConfig(opts: { repoDir: string; env: NodeJS.ProcessEnv; path?: string | undefined }): Promise<HookConfigFile> {
  const named = opts.path ?? opts.env["LEAKGUARD_HOOK_CONFIG"];
  const path = named ? resolve(opts.repoDir, named) : join(opts.repoDir, CONFIG_FILE_NAME);
  if (!named && !existsSync(path)) return { config: withAbsoluteLog(defaultHookConfig(), opts.repoDir), source: null };

  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read hook config ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  const { parseHookConfig } = await import("./config-schema.js");
  return { config: withAbsoluteLog(parseHookConfig(text, path), opts.repoDir), source: path };
}

function withAbsoluteLog(config: HookConfig, repoDir: string): HookConfig {
  return { ...config, auditLog: isAbsolute(config.auditLog) ? config.auditLog : resolve(repoDir, config.auditLog) };
}
