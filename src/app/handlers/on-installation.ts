import type { AppContext } from "../context.js";
import { getRepoTarget } from "../github/get-repo-target.js";
import { scanRepository } from "../scan-repository.js";
import { installationPayload, parsePayload } from "./payloads.js";

// A new installation (or repositories added to one) is the first sight of those repos:
// each gets a full history scan, one after the other.

export async function onInstallation(ctx: AppContext, raw: unknown, event: "installation" | "installation_repositories"): Promise<void> {
  const p = parsePayload(installationPayload, raw, event);
  const names = event === "installation" ? (p.action === "created" ? p.repositories : []) : p.repositories_added;
  const gh = ctx.github(p.installation.id);
  for (const { full_name } of names ?? []) {
    const repo = await getRepoTarget(gh, full_name, p.installation.id);
    await scanRepository(ctx, { repo, after: null, before: null, ref: null, pusher: null, deleted: false });
  }
}
