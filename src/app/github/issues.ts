import type { GitHub } from "./create-octokit.js";
import { NO_BLIND_RETRY } from "./create-once.js";

// The few issue calls the incident logic makes, named for what they mean to it.

export const INCIDENT_LABEL = "leaked-secret";

export interface IssueRef {
  owner: string;
  repo: string;
}

export function splitRepo(fullName: string): IssueRef {
  const [owner, repo] = fullName.split("/") as [string, string];
  return { owner, repo };
}

const ensured = new WeakMap<GitHub, Set<string>>();

/** Creates the incident label once per repository (creating an issue with an unknown label fails for apps). */
export async function ensureLabel(gh: GitHub, where: IssueRef): Promise<void> {
  const done = ensured.get(gh) ?? new Set<string>();
  ensured.set(gh, done);
  const key = `${where.owner}/${where.repo}`;
  if (done.has(key)) return;
  try {
    await gh.rest.issues.getLabel({ ...where, name: INCIDENT_LABEL });
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
    await gh.rest.issues.createLabel({ ...where, name: INCIDENT_LABEL, color: "b60205", description: "A secret leaked into git: rotate it" });
  }
  done.add(key);
}

/** Opens the issue; `find` names the issue a send whose answer was lost may have opened (create-once.ts). */
export async function openIssue(gh: GitHub, where: IssueRef, issue: { title: string; body: string; labels: string[]; assignees: string[] }, find: () => Promise<number | null>): Promise<number> {
  await ensureLabel(gh, where);
  const labels = [...new Set([INCIDENT_LABEL, ...issue.labels])];
  return gh.createOnce(async () => {
    const { data } = await gh.rest.issues.create({ ...where, title: issue.title, body: issue.body, labels, ...(issue.assignees.length ? { assignees: issue.assignees } : {}), ...NO_BLIND_RETRY });
    return data.number;
  }, find);
}

export async function updateIssue(gh: GitHub, where: IssueRef, issueNumber: number, patch: { body?: string; state?: "open" | "closed" }): Promise<void> {
  await gh.rest.issues.update({ ...where, issue_number: issueNumber, ...patch });
}

export async function issueState(gh: GitHub, where: IssueRef, issueNumber: number): Promise<"open" | "closed" | "gone"> {
  try {
    const { data } = await gh.rest.issues.get({ ...where, issue_number: issueNumber });
    return data.state === "closed" ? "closed" : "open";
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 404 || status === 410) return "gone";
    throw err;
  }
}

// What an earlier attempt of a job may already have written is found by markers: HTML
// comments GitHub keeps in the body but does not show. Only what the app itself wrote
// counts: anyone who may comment could paste a marker to silence an alarm.

/** Marker text is ours to shape: a delivery id is a header, so only a safe alphabet is kept. */
function markerPart(s: string): string {
  return s.replace(/[^A-Za-z0-9._:/-]/g, "_");
}

/** In the body of the incident issue of `fingerprint` leaked in `sourceRepo` (several repositories may route to one). */
export function incidentMarker(sourceRepo: string, fingerprint: string): string {
  return `<!-- leakguard:incident ${markerPart(sourceRepo.toLowerCase())} ${markerPart(fingerprint)} -->`;
}

/** In a comment: `kind` and what makes it unique (the delivery, the key's fingerprint…). */
export function commentMarker(kind: string, ...ids: string[]): string {
  return `<!-- leakguard:comment ${[kind, ...ids].map(markerPart).join(" ")} -->`;
}

/** The incident issue carrying `marker`, written by the app (`bot`), open or closed. */
export async function findIncidentIssue(gh: GitHub, where: IssueRef, marker: string, bot: string): Promise<{ number: number; state: "open" | "closed" } | null> {
  const issues = await gh.paginate(gh.rest.issues.listForRepo, { ...where, labels: INCIDENT_LABEL, state: "all", per_page: 100 });
  const hit = issues.find((i) => !i.pull_request && i.user?.login === bot && (i.body ?? "").includes(marker));
  return hit ? { number: hit.number, state: hit.state === "closed" ? "closed" : "open" } : null;
}

/** Posts `body` under `marker` unless the app already did (an earlier attempt that died after GitHub took it); true when posted now. */
export async function commentOnce(gh: GitHub, where: IssueRef, issueNumber: number, marker: string, body: string, bot: string): Promise<boolean> {
  const posted = async () => {
    const comments = await gh.paginate(gh.rest.issues.listComments, { ...where, issue_number: issueNumber, per_page: 100 });
    return comments.some((c) => c.user?.login === bot && (c.body ?? "").includes(marker));
  };
  if (await posted()) return false;
  return gh.createOnce(
    async () => {
      await gh.rest.issues.createComment({ ...where, issue_number: issueNumber, body: `${marker}\n${body}`, ...NO_BLIND_RETRY });
      return true;
    },
    async () => ((await posted()) ? true : null),
  );
}
