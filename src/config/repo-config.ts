import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import picomatch from "picomatch";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { RuleId, Severity } from "../vocabulary/index.js";
import { isLiveKey, isTestKey, RULE_IDS, RULES, severitiesUpTo, severityRank } from "../vocabulary/index.js";
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

/** The least severe live key rule's severity (`high`, the live restricted key's). */
const LIVE_FLOOR = RULE_IDS.filter(isLiveKey)
  .map((r) => RULES[r].severity)
  .reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
/** Thresholds at or below every live key rule's severity: each one fails on live keys. */
const FILE_THRESHOLDS = severitiesUpTo(LIVE_FLOOR);

const RepoConfigSchema = z.strictObject({
  /** Findings at or above this severity fail the scan (exit 1); lower ones are reported only. */
  failOn: z
    .enum(FILE_THRESHOLDS, { error: `must be one of ${FILE_THRESHOLDS.join(", ")} (a repository file cannot let a live key pass; use --fail-on to go higher)` })
    .optional(),
  /** A baseline file, relative to the repository root. */
  baseline: z.string().min(1).optional(),
  /** Globs (picomatch, repository-relative) where test-mode keys are expected. */
  testFixtures: z.array(z.string().min(1).max(500)).max(200).optional(),
});

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
export function loadRepoConfig(opts: { root: string; file?: string | undefined }): RepoConfig {
  const path = opts.file ?? join(opts.root, REPO_CONFIG_FILE);
  if (!opts.file && !existsSync(path)) return NONE;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  return parseRepoConfig(text, path);
}

export function parseRepoConfig(text: string, path: string): RepoConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new UsageError(`${path} is not valid YAML: ${(err as Error).message.split("\n")[0]!.replace(/:$/, "")}`);
  }
  const parsed = RepoConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new UsageError(`bad config ${path}: ${where}: ${issue.message.split("\n")[0]}`);
  }
  const c = parsed.data;
  const globs = c.testFixtures ?? [];
  // dot: a fixture folder such as test/.fixtures is still a fixture folder.
  const match = globs.length ? picomatch(globs, { dot: true }) : null;
  return {
    failOn: c.failOn ?? null,
    baseline: c.baseline ? resolve(dirname(path), c.baseline) : null,
    isTestFixture: match ? (p) => match(p) : () => false,
    source: path,
  };
}
