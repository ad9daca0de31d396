import type { RepoTarget } from "../context.js";
import type { GitHub } from "./create-octokit.js";

/** Installation payloads name repositories only; the clone URL, visibility and default branch come from the API. */
export async function getRepoTarget(gh: GitHub, fullName: string, installationId: number): Promise<RepoTarget> {
  const [owner, name] = fullName.split("/") as [string, string];
  const { data } = await gh.rest.repos.get({ owner, repo: name });
  return {
    owner: data.owner.login,
    name: data.name,
    fullName: data.full_name,
    htmlUrl: data.html_url,
    isPublic: !data.private,
    defaultBranch: data.default_branch,
    cloneUrl: data.clone_url,
    installationId,
  };
}
