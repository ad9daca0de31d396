import type { Finding } from "../findings/finding.js";
import { isLiveKey, isTestKey } from "../vocabulary/index.js";

export interface ScrubOptions {
  /** Also remove `sk_test_`/`rk_test_` keys (off by default: they move no money). */
  includeTestKeys: boolean;
  /** Extra paths or globs (picomatch, matched against the full path) to delete everywhere. */
  deletePaths: readonly string[];
  /** Delete a binary file holding a key (its bytes cannot be edited in place). */
  deleteBinaryWithKeys: boolean;
  /** Add the removed dotenv paths to `.gitignore` in every rewritten branch tip. */
  gitignore: boolean;
}

/**
 * What the rewrite removes. Almost everything is decided by the stream filter as it goes
 * (a dotenv path, a key in a blob); the one thing it cannot know in time is whether some
 * version of a dotenv template, earlier or later, held a key: that comes from a look ahead.
 */
export interface ScrubPlan extends ScrubOptions {
  /** Dotenv templates (`.env.example`) that held a key once: removed like any dotenv file. */
  templatePaths: ReadonlySet<string>;
}

/**
 * Whether scrub removes a key reported under `rule`. Live keys always go, whoever issued
 * them: another provider's `sk_live_` secret (the generic rule) is as compromised in
 * history as a Stripe one.
 */
export function removesKeyRule(rule: string, includeTestKeys: boolean): boolean {
  return isLiveKey(rule) || (includeTestKeys && isTestKey(rule));
}

/** Whether a scan finding is something scrub removes (so its presence afterwards is a leftover). */
export function isTarget(f: Finding, includeTestKeys: boolean): boolean {
  return f.rule === "dotenv-file" || removesKeyRule(f.rule, includeTestKeys);
}

export function planScrub(opts: ScrubOptions, templatePaths: ReadonlySet<string> = new Set()): ScrubPlan {
  return { ...opts, templatePaths };
}
