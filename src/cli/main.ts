#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./io.js";
import { processIo } from "./io.js";
import { LeakguardError, prefixed } from "../errors.js";
import { redactAll } from "../findings/redact.js";
import { escapeControls } from "../findings/escape-controls.js";
import { COMMANDS } from "./commands/index.js";
import { VERSION } from "../version.js";

const HELP_FOOTER = `
Exit codes:
  0  nothing found (or push accepted)
  1  findings (or push rejected)
  2  usage or runtime error (one-line reason on stderr)`;

export function buildProgram(io: CliIo): Command {
  const program = new Command("leakguard")
    .description("Keep Stripe secret keys and .env files out of git, and clean up when one gets in.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(redactAll(s)),
      // commander's own usage errors become our one-line form
      outputError: (s, write) => write(`[leakguard] ${s.replace(/^error: /, "")}`),
    })
    .addHelpText("after", HELP_FOOTER)
    .showHelpAfterError("(run leakguard --help for usage)");
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return io.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0 through the same path
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof LeakguardError) {
      // One line, no key, no control character: the message may quote a path or git's stderr.
      io.stderr.write(`${escapeControls(prefixed(err.message), { oneLine: true })}\n`);
      return 2;
    }
    // Errors can quote user input or git's stderr: the edge redacts whatever they carry.
    io.stderr.write(escapeControls(`[leakguard] internal error: ${err instanceof Error ? err.message : String(err)}`, { oneLine: true }) + "\n");
    if (io.env["LEAKGUARD_DEBUG"] && err instanceof Error) io.stderr.write(redactAll(`${err.stack}\n`));
    return 2;
  }
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `leakguard scan | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  process.exitCode = await run(process.argv.slice(2));
}
