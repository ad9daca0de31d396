import { Option } from "commander";
import type { Command } from "commander";
import type { CliIo } from "../io.js";
import type { ScanFlags } from "../run-scan.js";
import { FORMATS } from "../../report/index.js";

export function registerScan(program: Command, io: CliIo): void {
  program
    .command("scan")
    .description("find Stripe keys and committed .env files in a working tree or a git history")
    .argument("[path]", "directory or repository to scan", ".")
    .option("--history", "scan every commit reachable from every ref")
    .option("--range <A..B>", "scan only the commits in A..B (implies history)")
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
