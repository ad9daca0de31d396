import type { GitHub } from "./create-octokit.js";

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

export async function openIssue(gh: GitHub, where: IssueRef, issue: { title: string; body: string; labels: string[]; assignees: string[] }): Promise<number> {
  await ensureLabel(gh, where);
  const labels = [...new Set([INCIDENT_LABEL, ...issue.labels])];
  const { data } = await gh.rest.issues.create({ ...where, title: issue.title, body: issue.body, labels, ...(issue.assignees.length ? { assignees: issue.assignees } : {}) });
  return data.number;
}

export async function comment(gh: GitHub, where: IssueRef, issueNumber: number, body: string): Promise<void> {
  await gh.rest.issues.createComment({ ...where, issue_number: issueNumber, body });
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
