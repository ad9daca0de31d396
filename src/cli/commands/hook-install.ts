import type { Command } from "commander";
import { resolve } from "node:path";
import type { CliIo } from "../io.js";
import { UsageError } from "../../errors.js";

interface HookInstallFlags {
  repo?: string;
  preCommit?: boolean;
  prePush?: boolean;
  force?: boolean;
  chain?: boolean;
  gitea?: boolean;
  config?: string;
}

export function registerHookInstall(program: Command, io: CliIo): void {
  const hook = program.command("hook").description("install leakguard as a git hook (server pre-receive, or a clone's pre-commit / pre-push)");
  hook
    .command("install")
    .description("install the pre-receive hook into a (bare) repository, or with --pre-commit / --pre-push into a working clone")
    .option("--repo <path>", "the repository, e.g. /srv/git/shop.git (required for pre-receive; default . for --pre-commit / --pre-push)")
    .option("--pre-commit", "a working clone's pre-commit hook: `leakguard scan --staged` before every commit")
    .option("--pre-push", "a working clone's pre-push hook: scan the commits a push would send")
    .option("--force", "replace an existing hook that is not leakguard's (it is kept as *.replaced-by-leakguard)")
    .option("--chain", "keep an existing hook and run it after leakguard accepts")
    .option("--gitea", "Gitea layout: install as hooks/pre-receive.d/leakguard")
    .option("--config <file>", "pre-receive: a hook config file fixed into the hook (the environment's LEAKGUARD_HOOK_CONFIG is not read)")
    .action(async (opts: HookInstallFlags) => {
      if (opts.preCommit && opts.prePush) throw new UsageError("choose one of --pre-commit and --pre-push (run the install twice for both)");
      const kind = opts.preCommit ? "pre-commit" : opts.prePush ? "pre-push" : "pre-receive";
      if (kind === "pre-receive" && !opts.repo) throw new UsageError("--repo <path> is required for the pre-receive hook");
      const { installHook, PACKAGE_CLI } = await import("../../hook/install.js");
      const { installNotes } = await import("../../hook/install-notes.js");
      const result = await installHook({
        repo: resolve(io.cwd, opts.repo ?? "."),
        kind,
        force: opts.force ?? false,
        chain: opts.chain ?? false,
        gitea: opts.gitea ?? false,
        ...(opts.config ? { config: resolve(io.cwd, opts.config) } : {}),
      });
      const what = {
        installed: "installed",
        reinstalled: "reinstalled (it was already leakguard's)",
        replaced: `installed; the previous hook was moved to ${result.previous}`,
        chained: `installed; the previous hook was moved to ${result.previous} and runs after leakguard accepts`,
      }[result.action];
      io.stderr.write(`[leakguard] ${kind} hook ${what}: ${result.hookPath}\n`);
      if (kind === "pre-receive") io.stderr.write("\n" + installNotes(process.execPath, PACKAGE_CLI).join("\n") + "\n");
      io.exitCode = 0;
    });
}
