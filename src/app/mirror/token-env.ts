// git reads extra configuration from GIT_CONFIG_COUNT/KEY_n/VALUE_n (git >= 2.31): the
// installation token reaches git as an HTTP header through the environment of one child
// process, so it is in no argv (visible in `ps`), no config file and no remote URL.

/** Environment that makes git authenticate to GitHub as the installation. */
export function tokenEnv(token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraHeader",
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    GIT_ALLOW_PROTOCOL: "http:https",
    GIT_TERMINAL_PROMPT: "0",
  };
}
