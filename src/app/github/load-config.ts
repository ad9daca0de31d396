import { parse } from "yaml";
import { z } from "zod";
import type { Severity } from "../../vocabulary/index.js";
import { SEVERITIES, severityAtLeast } from "../../vocabulary/index.js";
import { code, text } from "../incidents/markdown.js";
import type { GitHub } from "./create-octokit.js";
import type { InlineAllow } from "../../findings/apply-inline-allow.js";
import { INLINE_ALLOW } from "../../findings/apply-inline-allow.js";

// Per-repo `.github/leakguard.yml` over org defaults in the org's `.github` repository
// (Probot's convention). A broken file never stops a scan: defaults apply and the check
// run says why.
//
// Where incidents go is the owner's decision, not the repository's: anyone who can push to
// a default branch can edit its own file, and must not be able to send its incidents out of
// sight (or into public). So `issues.repository` is read from the owner's `.github`
// repository only; in a repository's own file it is refused with a problem on the check run.
// Problems are Markdown for the check run: everything quoted from a file is escaped.

export interface RepoConfig {
  /**
   * `owner/name` to file issues in (a private security repo), or null for the repo itself.
   * Only the owner's `.github` repository sets it; chooseIssueRepo still checks the target.
   */
  issueRepo: string | null;
  labels: string[];
  assignees: string[];
  failOn: Severity;
  /**
   * How far `leakguard:allow` is honoured (issue 8). Loosening past the default is the
   * operator's call, so `all` is taken only from the organization's `.github` repository;
   * a repository may only tighten it.
   */
  inlineAllow: InlineAllow;
}

export const CONFIG_PATH = ".github/leakguard.yml";
export const DEFAULT_CONFIG: RepoConfig = { issueRepo: null, labels: [], assignees: [], failOn: "high", inlineAllow: "test-keys" };

const fileSchema = z
  .object({
    issues: z
      .object({
        repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name").optional(),
        labels: z.array(z.string().min(1).max(50)).max(20).optional(),
        assignees: z.array(z.string().min(1)).max(10).optional(),
      })
      .strict()
      .optional(),
    check: z.object({ fail_on: z.enum(SEVERITIES).optional(), inline_allow: z.enum(INLINE_ALLOW).optional() }).strict().optional(),
  })
  .strict();

type ConfigFile = z.infer<typeof fileSchema>;

export interface RepoConfigFile {
  config: RepoConfig;
  problems: string[];
}

async function readFile(gh: GitHub, owner: string, repo: string): Promise<string | null> {
  try {
    const { data } = await gh.rest.repos.getContent({ owner, repo, path: CONFIG_PATH });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null; // no file, or no such repo: defaults
    throw err;
  }
}

function parseFile(source: string, where: string, problems: string[]): ConfigFile {
  try {
    const res = fileSchema.safeParse(parse(source) ?? {});
    if (res.success) return res.data;
    const issue = res.error.issues[0]!;
    problems.push(`${code(where)}: ${code(issue.path.join(".") || "file")} ${text(issue.message)}; using defaults for it`);
  } catch (err) {
    problems.push(`${code(where)}: not valid YAML (${text((err as Error).message.split("\n")[0] ?? "")}); using defaults for it`);
  }
  return {};
}

export async function loadConfig(gh: GitHub, owner: string, repo: string): Promise<RepoConfigFile> {
  const problems: string[] = [];
  const orgText = repo === ".github" ? null : await readFile(gh, owner, ".github");
  const repoText = await readFile(gh, owner, repo);
  const org = orgText === null ? {} : parseFile(orgText, `${owner}/.github/${CONFIG_PATH}`, problems);
  const own = repoText === null ? {} : parseFile(repoText, CONFIG_PATH, problems);
  // In the `.github` repository itself, its own file is the owner's file.
  const routing = repo === ".github" ? own.issues?.repository : org.issues?.repository;
  if (repo !== ".github" && own.issues?.repository !== undefined) {
    problems.push(
      `${code(CONFIG_PATH)}: ${code("issues.repository")} is only read from ${code(`${owner}/.github`)}, where the owner decides where incidents go; ignored here`,
    );
  }
  return {
    config: {
      issueRepo: routing ?? DEFAULT_CONFIG.issueRepo,
      labels: own.issues?.labels ?? org.issues?.labels ?? DEFAULT_CONFIG.labels,
      assignees: own.issues?.assignees ?? org.issues?.assignees ?? DEFAULT_CONFIG.assignees,
      failOn: failOnOf(org.check?.fail_on, own.check?.fail_on, problems),
      inlineAllow: inlineAllowOf(org.check?.inline_allow, own.check?.inline_allow, problems),
    },
    problems,
  };
}

/**
 * The org sets the threshold; the repository's own file may only make it stricter. Without
 * this, `fail_on: critical` in a pushed file would let an `rk_live_` key (high) pass the check
 * and open no issue: the same weakness the CLI's `.leakguard.yml` cap closes.
 */
function failOnOf(org: Severity | undefined, own: Severity | undefined, problems: string[]): Severity {
  const base = org ?? DEFAULT_CONFIG.failOn;
  if (own === undefined || severityAtLeast(base, own)) return own ?? base;
  problems.push(`${code(CONFIG_PATH)}: ${code(`check.fail_on: ${own}`)} is looser than the organization's (${code(base)}); only the organization's .github repository can loosen it`);
  return base;
}

const LOOSENESS: Record<InlineAllow, number> = { none: 0, "test-keys": 1, all: 2 };

/** The org sets it; the repository's own file (writable by any pusher) may only tighten it. */
function inlineAllowOf(org: InlineAllow | undefined, own: InlineAllow | undefined, problems: string[]): InlineAllow {
  const base = org ?? DEFAULT_CONFIG.inlineAllow;
  if (own === undefined || LOOSENESS[own] <= LOOSENESS[base]) return own ?? base;
  problems.push(`${CONFIG_PATH}: check.inline_allow ${own} is looser than the organization's (${base}); only the organization's .github repository can loosen it`);
  return base;
}
