import type { AppContext, JobInfo } from "../app-context.js";
import { getRepoTarget } from "../github/get-repo-target.js";
import { scanRepository } from "../scan-repository.js";
import { installationPayload, parsePayload } from "./payloads.js";
import { z } from "zod";
import { redactDeep } from "../redact-deep.js";
import { installationLane } from "../store/spread-lanes.js";

// A new installation (or repositories added to one) is the first sight of those repos. The
// delivery only fans out: one job per repository, keyed by the repository like a push, so
// that repositories are scanned in parallel (by any instance) and a repository's first scan
// never runs beside one of its pushes. The job id is the delivery's plus the repository:
// a redelivered installation event, or a retry after a crash halfway through, queues nothing twice.

/** The internal event of one repository's first-sight scan. */
export const REPO_SCAN_EVENT = "leakguard.repository_scan";

export const repoScanPayload = z.object({
  installation: z.object({ id: z.number().int() }),
  repository: z.object({ full_name: z.string() }),
});

export async function onInstallation(ctx: AppContext, raw: unknown, event: "installation" | "installation_repositories", job: JobInfo): Promise<void> {
  const p = parsePayload(installationPayload, raw, event);
  const names = event === "installation" ? (p.action === "created" ? p.repositories : []) : p.repositories_added;
  let queued = 0;
  for (const { full_name } of names ?? []) {
    const fresh = await ctx.enqueue({
      id: `${job.deliveryId}/${full_name.toLowerCase()}`,
      name: REPO_SCAN_EVENT,
      payload: JSON.stringify(redactDeep({ installation: { id: p.installation.id }, repository: { full_name } })),
      key: `repo:${full_name.toLowerCase()}`,
      lane: installationLane(p.installation.id),
    });
    if (fresh) queued++;
  }
  ctx.log.info({ installation: p.installation.id, repositories: names?.length ?? 0, queued }, "installation: one first-sight scan queued per repository");
}

/** One repository's first-sight scan: the whole history, the check run on the default branch tip. */
export async function onRepositoryScan(ctx: AppContext, raw: unknown, job: JobInfo): Promise<void> {
  const p = parsePayload(repoScanPayload, raw, REPO_SCAN_EVENT);
  const repo = await getRepoTarget(ctx.github(p.installation.id), p.repository.full_name, p.installation.id);
  await scanRepository(ctx, { repo, job, after: null, before: null, ref: null, refName: null, pusher: null, deleted: false });
}
