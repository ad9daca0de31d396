import { shouldBeIgnored } from "../../findings/should-be-ignored.js";
import type { IncidentStatus } from "../store/store.js";
import type { IncidentFacts, GithubRepo } from "./render-issue.js";
import { code } from "./markdown.js";

// The part of the issue the app rewrites on every push. Also turns a status change into
// the sentence of a comment.

const yesNo = (b: boolean, good: boolean) => (b === good ? `✅ ${b ? "yes" : "no"}` : `❌ ${b ? "yes" : "no"}`);

/** Whether the status tracks `.gitignore` for the incident's file (a dotenv file's fix is to stop tracking it). */
export function watchesIgnore(i: { path: string }): boolean {
  return shouldBeIgnored(i.path);
}

/**
 * A name inside a table cell. GFM splits a row at every `|` not escaped, before code spans are
 * read, and a `\\` before a pipe un-escapes it: a name holding either is not put in the table.
 */
function cell(name: string, instead: string): string {
  return /[|\\]/.test(name) ? instead : code(name);
}

export function renderStatus(i: IncidentFacts, repo: GithubRepo): string {
  const s = i.status;
  if (!s) return "## Status\n_Not checked yet._";
  const rows = [
    `| Still in the tip of ${cell(repo.defaultBranch, "the default branch")} | ${yesNo(s.inDefaultBranchTip, false)} |`,
    `| Still reachable in the history | ${yesNo(s.inHistory, false)} |`,
  ];
  if (watchesIgnore(i) && s.pathIgnored !== null) rows.push(`| ${cell(i.path, "The file")} ignored by .gitignore | ${yesNo(s.pathIgnored, true)} |`);
  return [
    "## Status",
    `_Re-checked on every push; last at commit \`${s.checkedCommit.slice(0, 7)}\`, ${s.checkedAt}._`,
    "",
    "| Check | Result |",
    "| --- | --- |",
    ...rows,
    "",
    isClean(i, s) ? "The repository side is cleaned up. Close this issue once the key is rotated and the old one deleted." : "Rotation is what makes the key harmless; these checks track the clean-up.",
  ].join("\n");
}

export function isClean(i: { path: string }, s: IncidentStatus): boolean {
  return !s.inDefaultBranchTip && !s.inHistory && (!watchesIgnore(i) || s.pathIgnored !== false);
}

/** Sentences for what changed between two statuses; empty when nothing did. */
export function describeChange(i: IncidentFacts, before: IncidentStatus | null, after: IncidentStatus, repo: GithubRepo): string[] {
  if (!before) return [];
  const out: string[] = [];
  if (before.inDefaultBranchTip !== after.inDefaultBranchTip)
    out.push(after.inDefaultBranchTip ? `The key is back in the tip of ${code(repo.defaultBranch)}.` : `The key is no longer in the tip of ${code(repo.defaultBranch)}.`);
  if (before.inHistory !== after.inHistory)
    out.push(after.inHistory ? "The key is reachable in the history again." : "The key is no longer reachable from any branch or tag.");
  if (watchesIgnore(i) && before.pathIgnored !== after.pathIgnored && after.pathIgnored !== null)
    out.push(after.pathIgnored ? `${code(i.path)} is now ignored by .gitignore.` : `${code(i.path)} is no longer ignored.`);
  return out;
}
