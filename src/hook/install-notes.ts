// What `leakguard hook install` prints after installing: the two common servers that do
// not let you own hooks/pre-receive directly, and where leakguard goes on them instead.
// The GitLab recipe writes a hook with absolute paths, like the installed one: a symlinked
// shim would have to trust the PATH, and nothing may come from the pusher's environment.

/** Single-quotes a value for sh, so the printed lines work when pasted. */
function sq(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

export function installNotes(node: string, cli: string): string[] {
  const hook = `#!/bin/sh\nexec ${sq(node)} ${sq(cli)} pre-receive "$@"`;
  return [
    "GitLab (self-managed): Gitaly runs server hooks, and it sets GL_ID/GL_USERNAME so leakguard",
    "prefixes its lines with GL-HOOK-ERR: for the web UI.",
    "  all repositories: write a hook into the custom hooks directory, e.g.",
    "    mkdir -p /var/opt/gitlab/gitaly/custom_hooks/pre-receive.d",
    `    printf '%s\\n' ${sq(hook.split("\n")[0]!)} ${sq(hook.split("\n")[1]!)} > /var/opt/gitlab/gitaly/custom_hooks/pre-receive.d/leakguard`,
    "    chmod 755 /var/opt/gitlab/gitaly/custom_hooks/pre-receive.d/leakguard",
    "  one repository: put the same file in a custom_hooks/pre-receive.d/ folder, tar it, and load it",
    "    with `gitaly hooks set` (GitLab 15.11+), or in <repo>.git/custom_hooks/ on older releases.",
    "Gitea: Gitea owns hooks/pre-receive and runs every file in hooks/pre-receive.d/; install with",
    "  leakguard hook install --gitea --repo <gitea repos>/<owner>/<name>.git",
    "  (or add it as a repository Git hook in the web UI if the admin allows it).",
    "Configuration: leakguard-hook.yml in the repository, or --config FILE at install for a server-wide file.",
  ];
}
