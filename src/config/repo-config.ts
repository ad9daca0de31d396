import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RuleId, Severity } from "../vocabulary/index.js";
import { isTestKey, RULE_IDS } from "../vocabulary/index.js";
import { UsageError } from "../errors.js";

// `.leakguard.yml` at a repository's root: what `leakguard scan` (a developer, a CI job,
// the pre-commit hook) treats as failing. It is the repository's own file, so whoever can
// commit can edit it: it may raise the threshold and fold test keys in fixtures, but it
// never silences a live key: the fixture globs apply to test-mode rules only, and `failOn`
// stops at `high`, the live restricted key's severity (`critical` would let an `rk_live_`
// key pass a gate that a pull request's own edit of this file chose). `--fail-on critical`
// on the command line stays the CI owner's call. The pre-receive hook and the app never
// read this file; their operators' configs decide (docs/ci.md).

export const REPO_CONFIG_FILE = ".leakguard.yml";

export interface RepoConfig {
  failOn: Severity | null;
  /** Absolute path, or null. */
  baseline: string | null;
  /** True for a path where test-mode keys are expected; false for every path when none are configured. */
  isTestFixture: (path: string) => boolean;
  /** The file read, or null when there is none. */
  source: string | null;
}

/** Rules a test-fixture path may fold: test-mode keys only, never a live key or a .env file. */
export const FIXTURE_RULES: ReadonlySet<RuleId> = new Set(RULE_IDS.filter(isTestKey));

const NONE: RepoConfig = { failOn: null, baseline: null, isTestFixture: () => false, source: null };

/**
 * Reads `file` if given (it must exist), else `<root>/.leakguard.yml` if there is one.
 * Bad YAML or a bad field: UsageError naming the file and the field, one line.
 */
export async function loadRepoConfig(opts: { root: string; file?: string | undefined }): Promise<RepoConfig> {
  const path = opts.file ?? join(opts.root, REPO_CONFIG_FILE);
  if (!opts.file && !existsSync(path)) return NONE;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  // The parser (yaml, zod, picomatch) loads only when there is a file to parse: most
  // repositories have none, and every scan would pay for it at start-up.
  const { parseRepoConfig } = await import("./parse-repo-config.js");
  return parseRepoConfig(text, path);
}

