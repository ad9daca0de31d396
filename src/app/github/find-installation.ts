import type { GitHub } from "./create-octokit.js";

/**
 * `installationOf` for the app context: the installation id GitHub reports for a repository
 * (GET /repos/{owner}/{repo}/installation, as the app), cached per repository; `fresh`
 * bypasses the cache after an uninstall and reinstall changed the id.
 */
export function findInstallation(app: GitHub): (fullName: string, fresh?: boolean) => Promise<number> {
  const cache = new Map<string, number>();
  return async (fullName, fresh = false) => {
    const hit = cache.get(fullName);
    if (hit !== undefined && !fresh) return hit;
    const [owner, repo] = fullName.split("/") as [string, string];
    const { data } = await app.rest.apps.getRepoInstallation({ owner, repo });
    cache.set(fullName, data.id);
    return data.id;
  };
}
