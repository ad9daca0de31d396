// A pusher asks for a bypass with `git push -o leakguard.bypass=<reason>`. git hands push
// options to the hook as GIT_PUSH_OPTION_COUNT and GIT_PUSH_OPTION_<n>, and only when the
// server sets receive.advertisePushOptions (otherwise the client refuses to send them).

export const BYPASS_OPTION = "leakguard.bypass";

export type BypassRequest =
  | { kind: "none" }
  | { kind: "valid"; reason: string }
  | { kind: "unknown-reason"; reason: string };

export function readPushOptions(env: NodeJS.ProcessEnv): string[] {
  const count = Number(env["GIT_PUSH_OPTION_COUNT"] ?? "0");
  if (!Number.isInteger(count) || count <= 0) return [];
  const options: string[] = [];
  for (let i = 0; i < count; i++) {
    const o = env[`GIT_PUSH_OPTION_${i}`];
    if (o !== undefined) options.push(o);
  }
  return options;
}

/** The last `leakguard.bypass=` option wins, as with repeated git flags. */
export function bypassRequest(options: readonly string[], allowedReasons: readonly string[]): BypassRequest {
  const prefix = `${BYPASS_OPTION}=`;
  const asked = options.filter((o) => o.startsWith(prefix)).at(-1);
  if (asked === undefined) return { kind: "none" };
  const reason = asked.slice(prefix.length).trim();
  return allowedReasons.includes(reason) ? { kind: "valid", reason } : { kind: "unknown-reason", reason };
}

/** Who pushed, from what the server tells the hook (GitLab, Gitea, an http front end, ssh). */
export function pusherOf(env: NodeJS.ProcessEnv): string {
  return env["GL_USERNAME"] || env["GITEA_PUSHER_NAME"] || env["GIT_PUSHER"] || env["REMOTE_USER"] || env["USER"] || "unknown";
}
