import type { AppContext, JobInfo, RepoTarget } from "../app-context.js";
import { isZeroOid } from "../../git/refs.js";
import { scanRepository } from "../scan-repository.js";
import { parsePayload, pushPayload } from "./payloads.js";

function describeRef(ref: string): string {
  if (ref.startsWith("refs/heads/")) return `branch ${ref.slice(11)}`;
  if (ref.startsWith("refs/tags/")) return `tag ${ref.slice(10)}`;
  return ref;
}

export async function onPush(ctx: AppContext, raw: unknown, job: JobInfo): Promise<void> {
  const p = parsePayload(pushPayload, raw, "push");
  const r = p.repository;
  const [owner, name] = r.full_name.split("/") as [string, string];
  const repo: RepoTarget = {
    owner,
    name,
    fullName: r.full_name,
    htmlUrl: r.html_url,
    isPublic: !r.private,
    defaultBranch: r.default_branch ?? r.master_branch ?? "main",
    cloneUrl: r.clone_url,
    installationId: p.installation.id,
  };
  const deleted = p.deleted === true || isZeroOid(p.after);
  await scanRepository(ctx, {
    repo,
    job,
    // A deleted ref adds nothing; the job still runs so that incidents are re-checked.
    after: deleted ? null : p.after,
    before: isZeroOid(p.before) ? null : p.before,
    ref: describeRef(p.ref),
    refName: p.ref,
    pusher: p.sender ? `@${p.sender.login}` : (p.pusher?.name ?? null),
    deleted,
  });
}
