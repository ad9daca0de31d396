import type { GitHubDouble } from "./github-double/index.js";

/** What GitHub's git front door accepts: Basic `x-access-token:<token>` with a live token the double issued. */
export function acceptsInstallationToken(gh: GitHubDouble): (authorization: string | null) => boolean {
  return (h) => {
    const m = /^Basic (.+)$/.exec(h ?? "");
    const [user, token] = Buffer.from(m?.[1] ?? "", "base64").toString().split(":");
    const t = gh.state.tokens.get(token ?? "");
    return user === "x-access-token" && t !== undefined && t.expiresAt > Date.now();
  };
}
