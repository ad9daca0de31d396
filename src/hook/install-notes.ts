// What `leakguard hook install` prints after installing: the two common servers that do
// not let you own hooks/pre-receive directly, and where leakguard goes on them instead.

export function installNotes(shim: string): string[] {
  return [
    "GitLab (self-managed): Gitaly runs server hooks, and it sets GL_ID/GL_USERNAME so leakguard",
    "prefixes its lines with GL-HOOK-ERR: for the web UI.",
    `  all repositories: link the shim into the custom hooks directory, e.g.`,
    `    mkdir -p /var/opt/gitlab/gitaly/custom_hooks/pre-receive.d`,
    `    ln -s ${shim} /var/opt/gitlab/gitaly/custom_hooks/pre-receive.d/leakguard`,
    "  one repository: put the same link in a custom_hooks/pre-receive.d/ folder, tar it, and load it",
    "    with `gitaly hooks set` (GitLab 15.11+), or in <repo>.git/custom_hooks/ on older releases.",
    "Gitea: Gitea owns hooks/pre-receive and runs every file in hooks/pre-receive.d/; install with",
    "  leakguard hook install --gitea --repo <gitea repos>/<owner>/<name>.git",
    "  (or add it as a repository Git hook in the web UI if the admin allows it).",
    "Configuration: leakguard-hook.yml in the repository, or LEAKGUARD_HOOK_CONFIG for a server-wide file.",
  ];
}
