import { dirname, resolve } from "node:path";
import picomatch from "picomatch";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { isLiveKey, RULE_IDS, RULES, severitiesUpTo, severityRank } from "../vocabulary/index.js";
import { UsageError } from "../errors.js";
import type { RepoConfig } from "./repo-config.js";

// The text of a `.leakguard.yml` to a RepoConfig (what the file may say: repo-config.ts).

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

/** Bad YAML or a bad field: UsageError naming the file and the field, one line. */
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
