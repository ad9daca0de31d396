import { UsageError } from "../../errors.js";
import type { AppContext } from "../app-context.js";
import { getRepoTarget } from "../github/get-repo-target.js";
import { CloneUrlRefusedError } from "../github/trusted-clone-url.js";
import { neutralCheckRun, publishCheckRun } from "../github/check-run.js";
import { repoName, text } from "../incidents/markdown.js";
import { isZeroOid } from "../../git/refs.js";
import { installationPayload, parsePayload, pushPayload } from "./payloads.js";
import { REPO_SCAN_EVENT, repoScanPayload } from "./on-installation.js";
import type { Batch } from "../worker.js";

// A signed payload is still only a claim (issue 9, item 1): a leaked webhook secret, or a
// bug upstream, must not decide where the installation token goes or whose token is used.
// Before any handler runs, each repository the delivery names is checked against the
// installation GitHub says the app has on it, and a push's repository facts (clone URL,
// visibility, default branch, links) are replaced by the API's.

async function checkInstallation(ctx: AppContext, fullName: string, claimed: number): Promise<void> {
  let actual = await ctx.installationOf(fullName);
  if (actual !== claimed) actual = await ctx.installationOf(fullName, true); // reinstalled since it was cached
  if (actual !== claimed) throw new UsageError(`delivery names installation ${claimed} for ${fullName}, but the app is installed there as ${actual}; refused`);
}

/** The payload to hand to the handlers, with the repository facts they act on checked; throws UsageError otherwise. */
export async function trustDelivery(ctx: AppContext, event: string, raw: unknown, deliveryId: string, batch?: Batch): Promise<unknown> {
  if (event === "push") {
    const p = parsePayload(pushPayload, raw, event);
    await checkInstallation(ctx, p.repository.full_name, p.installation.id);
    // Pushes of one batch name one repository: asked once, under what the payload names (never another's answer).
    const read = () => getRepoTarget(ctx.github(p.installation.id), p.repository.full_name, p.installation.id);
    const t = await (batch ? batch.once(`target ${p.installation.id} ${p.repository.full_name}`, read) : read()).catch(async (err: unknown) => {
      // The installation is the app's (checked above), so the push gets its check run: a
      // refused clone URL is never a silent pass, only a scan that could not happen.
      if (err instanceof CloneUrlRefusedError && !isZeroOid(p.after)) {
        const [owner, repo] = p.repository.full_name.split("/") as [string, string];
        const reason = `leakguard did not fetch ${repoName(p.repository.full_name)}: the API gave a clone URL the installation token may not go to (${text(err.message)}). Check GITHUB_API_URL.`;
        await publishCheckRun(ctx.github(p.installation.id), { owner, repo }, p.after, neutralCheckRun(reason), { externalId: deliveryId });
      }
      throw err;
    });
    const repository = {
      ...p.repository,
      name: t.name,
      full_name: t.fullName,
      private: !t.isPublic,
      html_url: t.htmlUrl,
      clone_url: t.cloneUrl,
      default_branch: t.defaultBranch,
      owner: { ...p.repository.owner, login: t.owner },
    };
    return { ...p, repository };
  }
  if (event === "installation" || event === "installation_repositories") {
    const p = parsePayload(installationPayload, raw, event);
    const named = event === "installation" ? (p.action === "created" ? p.repositories : []) : p.repositories_added;
    for (const { full_name } of named ?? []) await checkInstallation(ctx, full_name, p.installation.id);
    return p;
  }
  if (event === REPO_SCAN_EVENT) {
    // Queued by the app itself, but read back from a database others may reach: checked the same way.
    const p = parsePayload(repoScanPayload, raw, event);
    await checkInstallation(ctx, p.repository.full_name, p.installation.id);
    return p;
  }
  return raw;
}
