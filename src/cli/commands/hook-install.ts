import type { Command } from "commander";
import { resolve } from "node:path";
import type { CliIo } from "../io.js";

export function registerHookInstall(program: Command, io: CliIo): void {
  const hook = program.command("hook").description("manage the pre-receive hook on a git server");
  hook
    .command("install")
    .description("install the pre-receive hook into a (bare) repository")
    .requiredOption("--repo <path>", "the repository, e.g. /srv/git/shop.git")
    .option("--force", "replace an existing pre-receive hook that is not leakguard's (it is kept as *.replaced-by-leakguard)")
    .option("--chain", "keep an existing pre-receive hook and run it after leakguard accepts the push")
    .option("--gitea", "Gitea layout: install as hooks/pre-receive.d/leakguard")
    .action(async (opts: { repo: string; force?: boolean; chain?: boolean; gitea?: boolean }) => {
      const { installHook, PACKAGE_SHIM } = await import("../../hook/install.js");
      const { installNotes } = await import("../../hook/install-notes.js");
      const result = await installHook({
        repo: resolve(io.cwd, opts.repo),
        force: opts.force ?? false,
        chain: opts.chain ?? false,
        gitea: opts.gitea ?? false,
      });
      const what = {
        installed: "installed",
        reinstalled: "reinstalled (it was already leakguard's)",
        replaced: `installed; the previous hook was moved to ${result.previous}`,
        chained: `installed; the previous hook was moved to ${result.previous} and runs after leakguard accepts`,
      }[result.action];
      io.stderr.write(`[leakguard] pre-receive hook ${what}: ${result.hookPath}\n\n`);
      io.stderr.write(installNotes(PACKAGE_SHIM).join("\n") + "\n");
      io.exitCode = 0;
    });
}

