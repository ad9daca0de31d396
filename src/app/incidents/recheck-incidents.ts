import type { AppContext, RepoTarget } from "../app-context.js";
import type { GitHub } from "../github/create-octokit.js";
import { commentMarker, commentOnce, issueState, splitRepo, updateIssue } from "../github/issues.js";
import { issueBody } from "./render-issue.js";
import type { RepoProbe } from "./repo-probe.js";
import { describeChange, isClean } from "./render-status.js";

// Every later push re-asks, for each open incident of the repo: is the key still in the
// default branch tip, still reachable in history, is the dotenv path ignored now? The
// issue's status section is rewritten and a comment says what changed. GitHub is written
// before the store: a job that dies in between redoes the rewrite, and the comment's
// marker (this delivery, this incident) keeps it from being said twice.

export async function recheckIncidents(ctx: AppContext, gh: GitHub, repo: RepoTarget, probe: RepoProbe, skip: ReadonlySet<number>, deliveryId: string): Promise<void> {
  const log = ctx.log.child({ repo: repo.fullName });
  for (const incident of await ctx.store.openIncidents(repo.fullName)) {
    if (skip.has(incident.id)) continue;
    const where = splitRepo(incident.issueRepo);
    const state = await issueState(gh, where, incident.issueNumber);
    if (state !== "open") {
      // Closed by a person (or deleted): they decided it is handled; stop tracking.
      await ctx.store.updateIncident(incident.id, { state: "closed" });
      log.info({ incident: incident.id, state }, "incident issue no longer open; tracking stopped");
      continue;
    }
    const status = await probe.statusOf(incident);
    const changes = describeChange(incident, incident.status, status, repo);
    const unchanged = incident.status !== null && changes.length === 0;
    if (unchanged) {
      await ctx.store.updateIncident(incident.id, { status });
      continue;
    }
    await updateIssue(gh, where, incident.issueNumber, { body: issueBody({ ...incident, status }, repo) });
    if (changes.length) {
      const done = isClean(incident, status)
        ? "\n\nThe repository side is now clean. Close this issue once the key has been rotated and the old key deleted."
        : "";
      const body = `Status update at \`${status.checkedCommit.slice(0, 7)}\`:\n\n${changes.map((c) => `- ${c}`).join("\n")}${done}`;
      await commentOnce(gh, where, incident.issueNumber, commentMarker("status", deliveryId, String(incident.id)), body, await ctx.botLogin());
    }
    await ctx.store.updateIncident(incident.id, { status });
    log.info({ incident: incident.id, changes: changes.length }, "incident re-checked");
  }
}
