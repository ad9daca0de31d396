import type { RepoTarget } from "../app-context.js";
import type { GitHub } from "./create-octokit.js";
import { trustedCloneUrl } from "./trusted-clone-url.js";

/**
 * A repository as the API describes it: clone URL, visibility and default branch come from
 * GitHub, never from a payload, and the clone URL must be on the GitHub the client talks to.
 */
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
    cloneUrl: trustedCloneUrl(data.clone_url, gh.request.endpoint.DEFAULTS.baseUrl),
    installationId,
  };
}
