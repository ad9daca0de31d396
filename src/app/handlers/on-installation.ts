import type { AppContext, RepoTarget } from "../context.js";
import { scanRepository } from "../scan-repository.js";
import { installationPayload, parsePayload } from "./payloads.js";

// A new installation (or repositories added to one) is the first sight of those repos:
// each gets a full history scan. Payloads name repos only, so the rest comes from the API.

export async function onInstallation(ctx: AppContext, raw: unknown, event: "installation" | "installation_repositories"): Promise<void> {
  const p = parsePayload(installationPayload, raw, event);
  const names = event === "installation" ? (p.action === "created" ? p.repositories : []) : p.repositories_added;
  const gh = ctx.github(p.installation.id);
  for (const { full_name } of names ?? []) {
    const [owner, name] = full_name.split("/") as [string, string];
    const { data } = await gh.rest.repos.get({ owner, repo: name });
    const repo: RepoTarget = {
      owner,
      name,
      fullName: data.full_name,
      htmlUrl: data.html_url,
      isPublic: !data.private,
      defaultBranch: data.default_branch,
      cloneUrl: data.clone_url,
      installationId: p.installation.id,
    };
    await scanRepository(ctx, { repo, after: null, before: null, ref: null, pusher: null, deleted: false });
  }
}
