import { Option } from "commander";
import type { Command } from "commander";
import type { CliIo } from "../io.js";

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerScrub(program: Command, io: CliIo): void {
  program
    .command("scrub")
    .description("Rewrite a repository's history to remove Stripe secret keys and committed dotenv files")
    .argument("[repo]", "repository to rewrite (a work tree or a bare repository)", ".")
    .option("--dry-run", "report what would change, change nothing")
    .option("--yes", "really rewrite (without it, scrub only previews)")
    .option("--force", "rewrite even though the repository is not a fresh clone or has local changes")
    .addOption(new Option("--delete-path <glob>", "also delete this path or glob everywhere (repeatable)").argParser(collect).default([]))
    .option("--include-test-keys", "also remove sk_test_/rk_test_ keys")
    .option("--gitignore", "add the removed dotenv paths to .gitignore in every rewritten branch tip")
    .option("--delete-binary-with-keys", "delete binary files holding a key (they cannot be edited in place)")
    .addHelpText("after", "\nExit codes: 0 nothing to do, preview shown or rewrite done; 2 bad input or refusal (one-line reason), or refs moved but the cleanup did not finish (report printed; run again to finish).")
    .action(async (repo: string, o: Record<string, unknown>) => {
      // Loaded on use: every command is registered on every run, including each push's hook.
      const { runScrubCommand } = await import("../run-scrub.js");
      await runScrubCommand(repo, o, io);
    });
}
