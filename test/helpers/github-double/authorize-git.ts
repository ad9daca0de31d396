import type { AuthConfig } from "./authenticate.js";
import { authenticate } from "./authenticate.js";
import { GitHubError } from "./route-types.js";

// git over HTTPS at GitHub takes an installation token as the password of user `x-access-token`.
// A test's git server can ask the double, so git and the API share one notion of a valid token:
// issued, not expired on the double's clock, installation present and active, repo in scope.

export function authorizeGit(cfg: AuthConfig, authorization: string | null | undefined, fullName: string): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0 || decoded.slice(0, colon) !== "x-access-token") return false;
  try {
    const auth = authenticate(`token ${decoded.slice(colon + 1)}`, "installation", cfg);
    if (auth.kind !== "installation") return false;
    const repo = cfg.state.repo(fullName);
    return repo !== undefined && repo.installationId === auth.installationId && (auth.token.repositoryIds === null || auth.token.repositoryIds.has(repo.id));
  } catch (err) {
    // authenticate() says "no" by throwing GitHub's answer; here that is simply false.
    if (err instanceof GitHubError) return false;
    throw err;
  }
}
