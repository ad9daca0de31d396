import { isLoopbackHttp } from "../../config/env.js";
import { UsageError } from "../../errors.js";

// git reads extra configuration from GIT_CONFIG_COUNT/KEY_n/VALUE_n (git >= 2.31): the
// installation token reaches git as an HTTP header through the environment of one child
// process, so it is in no argv (visible in `ps`), no config file and no remote URL.
// The header is scoped to the clone URL's origin (`http.<url>.extraHeader`), and redirects
// are not followed, so no other host can receive it (issue 9, item 1).

/** Environment that makes git authenticate as the installation to `cloneUrl`'s origin, and only there. */
export function tokenEnv(token: string, cloneUrl: string): Record<string, string> {
  const url = new URL(cloneUrl);
  // Second guard behind github/trusted-clone-url.ts: never the token in clear over a network.
  if (url.protocol !== "https:" && !isLoopbackHttp(url)) throw new UsageError(`refusing to send the token over ${url.protocol} to ${url.host}`);
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: `http.${url.origin}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    GIT_CONFIG_KEY_1: "http.followRedirects",
    GIT_CONFIG_VALUE_1: "false",
    GIT_ALLOW_PROTOCOL: url.protocol.slice(0, -1),
    GIT_TERMINAL_PROMPT: "0",
  };
}
