import type { Finding } from "../findings/finding.js";
import { isDotenvTemplate } from "../detectors/index.js";

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

/** What the rewrite removes; built from a history scan, applied by the stream filter. */
export interface ScrubPlan extends ScrubOptions {
  /** Dotenv templates (`.env.example`) that held a real key once: removed like any dotenv file. */
  templatePaths: ReadonlySet<string>;
  /** The scan's findings the rewrite acts on (redacted; never a raw key). */
  targets: readonly Finding[];
}

const KEY_RULES = new Set(["stripe-live-secret-key", "stripe-live-restricted-key"]);
const TEST_RULES = new Set(["stripe-test-secret-key", "stripe-test-restricted-key"]);

export function isTarget(f: Finding, includeTestKeys: boolean): boolean {
  return f.rule === "dotenv-file" || KEY_RULES.has(f.rule) || (includeTestKeys && TEST_RULES.has(f.rule));
}

export function planScrub(findings: readonly Finding[], opts: ScrubOptions): ScrubPlan {
  const targets = findings.filter((f) => isTarget(f, opts.includeTestKeys));
  const templatePaths = new Set(targets.filter((f) => f.rule === "dotenv-file" && isDotenvTemplate(f.path)).map((f) => f.path));
  return { ...opts, templatePaths, targets };
}

/** Nothing found and nothing asked for: the repository is left exactly as it is. */
export function isEmptyPlan(plan: ScrubPlan): boolean {
  return plan.targets.length === 0 && plan.deletePaths.length === 0;
}
