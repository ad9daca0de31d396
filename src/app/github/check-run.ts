import type { Finding } from "../../findings/finding.js";
import type { Severity } from "../../vocabulary/index.js";
import { RULES, severityAtLeast } from "../../vocabulary/index.js";
import { annotationAdvice } from "../github-advice.js";
import { code, plain, shorten } from "../incidents/markdown.js";
import type { GitHub } from "./create-octokit.js";
import { NO_BLIND_RETRY } from "./create-once.js";

// The check run on the pushed commit: findings -> body (pure), then create + batched updates
// (the API takes at most 50 annotations per request).

export interface CheckRunBody {
  conclusion: "success" | "failure" | "neutral";
  title: string;
  summary: string;
  annotations: Annotation[];
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

export const CHECK_NAME = "leakguard";
const BATCH = 50;
/** A push with more findings than this gets the first ones annotated and a note. */
const MAX_ANNOTATIONS = 1000;
/** Room left under GitHub's 65,535-character summary for what follows the list. */
const SUMMARY_BUDGET = 60_000;

export interface CheckInput {
  findings: readonly Finding[];
  failOn: Severity;
  /** Lines said loudly at the top (replacement keys, config problems): Markdown, already escaped. */
  alerts: readonly string[];
  /** A replacement key leaked the same way as an open incident: fail whatever its severity. */
  forceFailure: boolean;
  /** What was scanned, for the summary. */
  scope: string;
}

export function buildCheckRun(input: CheckInput): CheckRunBody {
  const failing = input.findings.filter((f) => severityAtLeast(f.severity, input.failOn));
  const failed = failing.length > 0 || input.forceFailure;
  const annotations = input.findings
    .filter((f) => f.source === "file")
    .slice(0, MAX_ANNOTATIONS)
    .map(
      (f): Annotation => ({
        path: f.path,
        // A member's line is not a line of the archive: the archive is marked at its start.
        start_line: f.member ? 1 : f.line,
        end_line: f.member ? 1 : f.line,
        annotation_level: severityAtLeast(f.severity, input.failOn) ? "failure" : "warning",
        title: `${RULES[f.rule].title} (${f.severity})`,
        // Annotations are plain text (no Markdown), but still one visible line from repository content.
        message: `${f.redacted ?? plain(f.path)}${f.member ? ` in archive member ${plain(shorten(f.member))}, line ${f.line}` : ""}${f.encoding ? ` (${f.encoding}-encoded)` : ""}: ${annotationAdvice(f)}`,
      }),
    );
  const lines = [...input.alerts, ""];
  if (input.findings.length === 0) lines.push(`No Stripe secret key or dotenv file found in ${input.scope}.`);
  else {
    lines.push(`Found in ${input.scope}:`, "");
    // GitHub refuses a summary over 65,535 characters, and paths are the pusher's to lengthen:
    // the list stops early rather than lose the check run.
    let size = lines.join("\n").length;
    let listed = 0;
    for (const f of input.findings.slice(0, 100)) {
      // Inside an archive: `app.apk!classes.dex`, the notation the CLI and the hook use.
      const where = f.member ? `${shorten(f.path)}!${shorten(f.member)}` : shorten(f.path);
      const line = `- ${RULES[f.rule].title} ${code(f.redacted ?? shorten(f.path))} in ${code(where)}:${f.line}${f.encoding ? ` (${f.encoding}-encoded)` : ""} (${f.severity}, commit ${f.commit?.slice(0, 7) ?? "-"})`;
      if (size + line.length > SUMMARY_BUDGET) break;
      lines.push(line);
      size += line.length + 1;
      listed++;
    }
    if (input.findings.length > listed) lines.push(`- … and ${input.findings.length - listed} more`);
    if (input.findings.length > MAX_ANNOTATIONS) lines.push("", `Only the first ${MAX_ANNOTATIONS} findings are annotated.`);
  }
  return {
    conclusion: failed ? "failure" : "success",
    title: failed ? `${failing.length || "A"} leaked secret${failing.length === 1 ? "" : "s"} found` : input.findings.length ? "Only low-severity findings" : "No leaked secrets",
    summary: lines.join("\n").trim(),
    annotations,
  };
}

export function neutralCheckRun(reason: string): CheckRunBody {
  return { conclusion: "neutral", title: "Could not scan this push", summary: reason, annotations: [] };
}

type Target = { owner: string; repo: string };

/**
 * The check run an earlier attempt of this delivery made on `headSha`, if any: the
 * delivery id is its `external_id`, so a retry after a crash (even one between GitHub
 * creating the run and the app hearing of it) finds it instead of creating a second.
 */
export interface KnownCheckRun {
  id: number;
  /** Annotations it already carries. */
  annotations: number;
}

export async function findCheckRun(gh: GitHub, repo: Target, headSha: string, externalId: string): Promise<KnownCheckRun | null> {
  const runs = await gh.paginate(gh.rest.checks.listForRef, { ...repo, ref: headSha, check_name: CHECK_NAME, filter: "all", per_page: 100 });
  const run = runs.find((r) => r.external_id === externalId);
  return run ? { id: run.id, annotations: run.output.annotations_count } : null;
}

/** Marks `headSha` as being scanned (in_progress), reusing the run an earlier attempt made. */
export async function startCheckRun(gh: GitHub, repo: Target, headSha: string, externalId: string, fresh = false): Promise<KnownCheckRun> {
  // A delivery's first take has no earlier attempt whose run could exist (JobInfo.fresh).
  const found = fresh ? null : await findCheckRun(gh, repo, headSha, externalId);
  if (found) return found;
  return gh.createOnce(
    async () => {
      const { data } = await gh.rest.checks.create({
        ...repo,
        name: CHECK_NAME,
        head_sha: headSha,
        external_id: externalId,
        status: "in_progress",
        output: { title: "Scanning", summary: "leakguard is scanning this push for Stripe secret keys and dotenv files." },
        ...NO_BLIND_RETRY,
      });
      return { id: data.id, annotations: 0 };
    },
    () => findCheckRun(gh, repo, headSha, externalId),
  );
}

/**
 * Completes the delivery's check run on `headSha`: the one started (`runId`), else the one
 * an earlier attempt made (looked up by external_id), else a new one. Annotations
 * accumulate on GitHub, so those an earlier attempt already sent are not sent again.
 */
export async function publishCheckRun(
  gh: GitHub,
  repo: Target,
  headSha: string,
  body: CheckRunBody,
  run: { externalId: string; started?: KnownCheckRun | null; /** Nothing of this delivery can be on GitHub yet: no look-up. */ fresh?: boolean },
): Promise<number> {
  const output = (annotations: Annotation[]) => ({ title: body.title, summary: body.summary, annotations });
  const existing = run.started ?? (run.fresh ? null : await findCheckRun(gh, repo, headSha, run.externalId));
  let id: number;
  /** The first annotation the run does not carry yet. */
  let next: number;
  const final = { status: "completed" as const, conclusion: body.conclusion, completed_at: new Date().toISOString() };
  if (existing) {
    id = existing.id;
    const sent = Math.min(existing.annotations, body.annotations.length);
    await gh.rest.checks.update({ ...repo, check_run_id: id, ...final, output: output(body.annotations.slice(sent, sent + BATCH)) });
    next = sent + BATCH;
  } else {
    // A create whose answer was lost is found by its external_id, completed and with the first batch.
    const made = await gh.createOnce(
      async () => {
        const { data } = await gh.rest.checks.create({ ...repo, name: CHECK_NAME, head_sha: headSha, external_id: run.externalId, ...final, output: output(body.annotations.slice(0, BATCH)), ...NO_BLIND_RETRY });
        return { id: data.id, annotations: Math.min(BATCH, body.annotations.length) };
      },
      () => findCheckRun(gh, repo, headSha, run.externalId),
    );
    id = made.id;
    next = made.annotations;
  }
  for (let i = next; i < body.annotations.length; i += BATCH) {
    await gh.rest.checks.update({ ...repo, check_run_id: id, output: output(body.annotations.slice(i, i + BATCH)) });
  }
  return id;
}
