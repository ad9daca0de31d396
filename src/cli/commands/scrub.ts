import { Option } from "commander";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import type { CliIo } from "../io.js";
import type { ScrubPhase } from "../../scrub/run.js";
import { runScrub } from "../../scrub/run.js";
import { describeResult } from "../../scrub/describe-result.js";
import { redactAll } from "../../findings/redact.js";

const PHASES: Record<ScrubPhase, string> = { rewrite: "rewriting", verify: "re-scanning" };

function progress(io: CliIo) {
  if (!io.stderr.isTTY) return { update: undefined, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: io.stderr, format: "{phase} [{bar}] {value}/{total} commits", hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: ScrubPhase | null = null;
  return {
    update(p: ScrubPhase, done: number, total: number) {
      if (phase !== p) {
        if (phase) bar.stop();
        bar.start(Math.max(total, 1), 0, { phase: PHASES[p].padEnd(11) });
        phase = p;
      }
      bar.update(Math.min(done, total), { phase: PHASES[p].padEnd(11) });
    },
    stop: () => bar.stop(),
  };
}

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
    .addHelpText("after", "\nExit codes: 0 nothing to do, preview shown or rewrite done; 2 bad input or refusal (one-line reason).")
    .action(async (repo: string, o: Record<string, unknown>) => {
      const bar = progress(io);
      try {
        const result = await runScrub({
          repoPath: repo,
          env: io.env,
          dryRun: o["dryRun"] === true,
          yes: o["yes"] === true,
          force: o["force"] === true,
          includeTestKeys: o["includeTestKeys"] === true,
          deletePaths: o["deletePath"] as string[],
          deleteBinaryWithKeys: o["deleteBinaryWithKeys"] === true,
          gitignore: o["gitignore"] === true,
          ...(bar.update ? { onProgress: bar.update } : {}),
        });
        bar.stop();
        // Belt and braces: the report is built from redacted values only.
        io.stdout.write(redactAll(describeResult(result).join("\n")) + "\n");
        io.exitCode = 0;
      } finally {
        bar.stop();
      }
    });
}
