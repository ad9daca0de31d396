import type { KeyObject } from "node:crypto";
import type { GitHubState } from "./create-state.js";
import type { Auth } from "./route-types.js";
import { GitHubError } from "./route-types.js";
import { verifyAppJwt } from "./verify-app-jwt.js";

// Who is calling: the app (a JWT signed with its private key) or an installation (a token the
// double issued and that has not expired). Anything else gets GitHub's 401.

export interface AuthConfig {
  appId: number;
  publicKey: KeyObject;
  state: GitHubState;
  now(): number;
}

export function authenticate(header: string | undefined, needs: "app" | "installation", cfg: AuthConfig): Auth {
  const m = /^(bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? "");
  if (!m) throw new GitHubError(401, "Requires authentication");
  const scheme = m[1]!.toLowerCase();
  const credential = m[2]!;
  if (needs === "app") {
    if (scheme !== "bearer" || credential.split(".").length !== 3) {
      throw new GitHubError(401, "A JSON web token could not be decoded");
    }
    const check = verifyAppJwt(credential, cfg.appId, cfg.publicKey, cfg.now());
    if (!check.ok) throw new GitHubError(401, check.message);
    return { kind: "app" };
  }
  // GitHub accepts an installation token under either scheme.
  const token = cfg.state.tokens.get(credential);
  if (!token || token.expiresAt <= cfg.now()) throw new GitHubError(401, "Bad credentials");
  // Uninstalling revokes the installation's tokens; suspending keeps them but refuses them.
  const installation = cfg.state.installations.get(token.installationId);
  if (!installation) throw new GitHubError(401, "Bad credentials");
  if (installation.suspended) throw new GitHubError(403, "This installation has been suspended");
  return { kind: "installation", installationId: token.installationId, token };
}
