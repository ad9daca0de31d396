import type { Finding } from "../../findings/finding.js";
import type { AppContext, ScanRequest } from "../app-context.js";
import type { GitHub } from "../github/create-octokit.js";
import type { RepoConfig } from "../github/load-config.js";
import { commentMarker, commentOnce, findIncidentIssue, incidentMarker, openIssue, splitRepo, updateIssue } from "../github/issues.js";
import type { Incident } from "../store/store.js";
import { vectorLabel } from "../github-advice.js";
import { groupLeaks, isKeyLeak } from "./group-leaks.js";
import { code, person } from "./markdown.js";
import { issueBody, issueTitle, placeName } from "./render-issue.js";
import type { IncidentFacts } from "./render-issue.js";
import type { RepoProbe } from "./repo-probe.js";
import { RecheckBudgetError } from "./repo-probe.js";

// New findings -> incidents. A new key opens an issue; a known one comments on its issue
// (reopening it if it had been closed); a new key leaking the same way as an open
// incident is the replacement case: the rotated key is exposed again.

/** Filled as the work goes, so that what was done before a failure still reaches the check run. */
export interface ReconcileResult {
  alerts: string[];
  forceFailure: boolean;
  /** Incidents opened in this job: the re-check skips them. */
  opened: Set<number>;
}

export function emptyReconcileResult(): ReconcileResult {
  return { alerts: [], forceFailure: false, opened: new Set() };
}

function ref(i: { issueRepo: string; issueNumber: number }, repo: string): string {
  return i.issueRepo === repo ? `#${i.issueNumber}` : `${i.issueRepo}#${i.issueNumber}`;
}

function replacementAlert(leak: Finding, replaced: string): string {
  return `**Replacement key exposed:** ${code(leak.redacted ?? leak.path)} leaked through ${vectorLabel(leak.vector)}, like the key of ${replaced}. Rotate again after fixing the vector.`;
}

export async function reconcileIncidents(
  ctx: AppContext,
  gh: GitHub,
  req: ScanRequest,
  findings: readonly Finding[],
  config: RepoConfig,
  probe: RepoProbe,
  firstSight: boolean,
  result: ReconcileResult = emptyReconcileResult(),
): Promise<ReconcileResult> {
  const { repo } = req;
  const log = ctx.log.child({ repo: repo.fullName });
  const leaks = groupLeaks(findings, config.failOn);
  // Read before any incident is opened below; a push with nothing to file (most) reads nothing.
  const openBefore = leaks.length ? await ctx.store.openIncidents(repo.fullName) : [];
  const issueRepo = config.issueRepo ?? repo.fullName;
  const bot = await ctx.botLogin();
  const sameWay = (leak: Finding, o: Incident) => isKeyLeak(o) && o.vector === leak.vector && o.fingerprint !== leak.fingerprint;

  for (const leak of leaks) {
    let known = await ctx.store.findIncident(repo.fullName, leak.fingerprint);
    const where = `${code(placeName(leak))}:${leak.line} in ${leak.commit ? leak.commit.slice(0, 7) : "?"}${req.ref ? ` (${code(req.ref)})` : ""}`;
    const by = req.pusher ? `, by ${person(req.pusher)}` : "";
    /** Says, once per new key on each incident it replaced, that the replacement leaked the same way. */
    const alarm = async (replaced: readonly Incident[], tracked: { issueRepo: string; issueNumber: number }) => {
      for (const old of replaced) {
        await commentOnce(
          gh,
          splitRepo(old.issueRepo),
          old.issueNumber,
          commentMarker("replacement", leak.fingerprint),
          [
            `## 🚨 The replacement key leaked the same way`,
            `A new key, ${code(leak.redacted ?? leak.path)}, has just been pushed through ${vectorLabel(leak.vector)}: ${where}${by}.`,
            `That is the same way ${code(old.redacted ?? old.path)} leaked, so **the new key is compromised too**. Close the hole first (see *Close the hole* above), then rotate again — and delete this new key as well. Tracked in ${ref(tracked, old.issueRepo)}.`,
          ].join("\n\n"),
          bot,
        );
        result.alerts.push(replacementAlert(leak, ref(old, repo.fullName)));
        result.forceFailure = true;
        log.warn({ incident: old.id, fingerprint: leak.fingerprint }, "replacement key leaked through the same vector");
      }
    };
    if (known) {
      // A re-install re-reads old history: a known key there is not news, and an issue a
      // person closed stays closed. A push that adds it again is news.
      if (firstSight) continue;
      if (known.state === "open" && known.commit === leak.commit) {
        // The same sighting again: this delivery is being retried after it opened the issue,
        // perhaps before it could raise the replacement alarm (each comment is said once).
        if (known.replacementOf) {
          const id = known.id;
          const replaced = openBefore.filter((o) => sameWay(leak, o) && o.id < id);
          await alarm(replaced, known);
          if (!replaced.length) {
            result.alerts.push(replacementAlert(leak, known.replacementOf));
            result.forceFailure = true;
          }
        }
        continue;
      }
      const target = splitRepo(known.issueRepo);
      if (known.state === "closed") {
        await updateIssue(gh, target, known.issueNumber, { state: "open" });
        await ctx.store.updateIncident(known.id, { state: "open" });
      }
      await commentOnce(gh, target, known.issueNumber, commentMarker("again", req.job.deliveryId, leak.fingerprint), `The same key (${code(leak.redacted ?? leak.path)}) was pushed again: ${where}${by}. It is still compromised until it is rotated.`, bot);
      log.info({ incident: known.id, fingerprint: leak.fingerprint }, "known key pushed again");
      continue;
    }

    const replaced = isKeyLeak(leak) ? openBefore.filter((o) => sameWay(leak, o)) : [];
    const facts: IncidentFacts = {
      fingerprint: leak.fingerprint,
      rule: leak.rule,
      severity: leak.severity,
      redacted: leak.redacted,
      vector: leak.vector,
      path: leak.path,
      member: leak.member ?? null,
      line: leak.line,
      commit: leak.commit,
      ref: req.ref,
      pusher: req.pusher,
      replacementOf: replaced.length ? replaced.map((o) => ref(o, issueRepo)).join(", ") : null,
      // A re-check over its budget must not keep the incident from being opened: "not checked yet".
      status: await probe.statusOf(leak).catch((err: unknown) => {
        if (err instanceof RecheckBudgetError) return null;
        throw err;
      }),
    };
    // An earlier attempt may have had the issue created and died before it was recorded.
    const findEarlier = () => findIncidentIssue(gh, splitRepo(issueRepo), incidentMarker(repo.fullName, leak.fingerprint), bot);
    const earlier = await findEarlier();
    const number =
      earlier?.number ??
      (await openIssue(
        gh,
        splitRepo(issueRepo),
        {
          title: issueTitle(facts),
          body: issueBody(facts, repo),
          labels: config.labels,
          assignees: config.assignees,
        },
        async () => (await findEarlier())?.number ?? null,
      ));
    known = await ctx.store.addIncident({ ...facts, repo: repo.fullName, issueRepo, issueNumber: number });
    if (facts.status) await ctx.store.updateIncident(known.id, { status: facts.status });
    if (earlier?.state === "closed") await ctx.store.updateIncident(known.id, { state: "closed" });
    result.opened.add(known.id);
    log.info({ incident: known.id, issue: `${issueRepo}#${number}`, rule: leak.rule, redacted: leak.redacted, adopted: earlier !== null }, earlier ? "incident issue of an earlier attempt adopted" : "incident opened");
    await alarm(replaced, { issueRepo, issueNumber: number });
  }
  return result;
}
