import { Option } from "commander";
import type { Command } from "commander";
import type { CliIo } from "../io.js";
import type { ScanFlags } from "../run-scan.js";
import { FORMATS } from "../../report/index.js";
import { SEVERITIES } from "../../vocabulary/index.js";

export function registerScan(program: Command, io: CliIo): void {
  program
    .command("scan")
    .description("find Stripe keys and committed .env files in a working tree or a git history")
    .argument("[path]", "directory or repository to scan", ".")
    .option("--history", "scan every commit reachable from every ref")
    .option("--range <A..B>", "scan only the commits in A..B (implies history)")
    .option("--staged", "scan the index: what the next commit will hold (the pre-commit check)")
    .option("--pushed <remote>", "pre-push: scan the commits a push to <remote> sends (git's pre-push lines on stdin)")
    .addOption(new Option("--fail-on <severity>", "exit 1 only for findings at or above this severity (default: any finding)").choices(SEVERITIES))
    .option("--config <file>", "repository config (default: .leakguard.yml in the scanned directory, if there is one)")
    .addOption(new Option("--format <format>", "report format").choices(FORMATS).default("text"))
    .option("--output <file>", "write the report to a file instead of stdout")
    .addOption(new Option("--engine <engine>", "git engine").choices(["auto", "native", "isomorphic"]).default("auto"))
    .option("--baseline <file>", "ignore findings whose fingerprints are in this file")
    .option("--write-baseline <file>", "record the current findings' fingerprints as accepted, then exit 0")
    .option("--no-progress", "no progress bar on stderr")
    .option("--no-color", "no colour in text output")
    .action(async (path: string, flags: ScanFlags) => {
      // Loaded on use: every command is registered on every run, including each push's hook.
      const { runScan } = await import("../run-scan.js");
      await runScan(path, flags, io);
    });
}
