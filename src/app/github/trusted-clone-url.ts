import { isLoopbackHttp } from "../../config/env.js";
import { UsageError } from "../../errors.js";

// The installation token is sent with every fetch, so the fetch may only go to the GitHub
// the app is configured for (issue 9, item 1): the host of GITHUB_API_URL (api.github.com
// and api.SUB.ghe.com serve git from github.com and SUB.ghe.com; GitHub Enterprise Server
// serves both from one host, the API under /api/v3). https only, on the API's port; plain
// http only when the API itself is a loopback test server, and then only on that host.

function gitHostOf(api: URL): string {
  const atRoot = api.pathname === "/" || api.pathname === "";
  return atRoot && api.hostname.startsWith("api.") ? api.hostname.slice(4) : api.hostname;
}

/** The API gave a clone URL the token may not go to: permanent, and said on the check run. */
export class CloneUrlRefusedError extends UsageError {}

/** `cloneUrl` normalised, or a CloneUrlRefusedError naming why the token may not go there. */
export function trustedCloneUrl(cloneUrl: string, githubApiUrl: string): string {
  const api = new URL(githubApiUrl);
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    throw new CloneUrlRefusedError("the repository's clone URL is not a URL");
  }
  const shown = `${url.protocol}//${url.host}`;
  const host = gitHostOf(api);
  if (url.username || url.password || url.search || url.hash) throw new CloneUrlRefusedError(`refusing clone URL on ${shown}: it carries credentials, a query or a fragment`);
  if (isLoopbackHttp(api)) {
    // A test double on loopback: git is served from the same host on another port.
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new CloneUrlRefusedError(`refusing clone URL on ${shown}: not http(s)`);
    if (url.hostname !== api.hostname) throw new CloneUrlRefusedError(`refusing clone URL on ${shown}: the configured GitHub is ${api.host}`);
    return url.href;
  }
  if (url.protocol !== "https:") throw new CloneUrlRefusedError(`refusing clone URL on ${shown}: only https carries the installation token`);
  if (url.hostname !== host || url.port !== api.port) throw new CloneUrlRefusedError(`refusing clone URL on ${shown}: the configured GitHub serves git from https://${host}${api.port ? `:${api.port}` : ""}`);
  return url.href;
}
