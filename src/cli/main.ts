#!/usr/bin/env node
import type { Command } from "commander";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./io.js";
import { processIo } from "./io.js";
import { LeakguardError, prefixed } from "../errors.js";
import { redactAll } from "../findings/redact.js";
import { escapeControls } from "../findings/escape-controls.js";
import { runPreReceiveCommand } from "./commands/pre-receive.js";
import { VERSION } from "../version.js";

const HELP_FOOTER = `
Exit codes:
  0  nothing found (or push accepted)
  1  findings (or push rejected)
  2  usage or runtime error (one-line reason on stderr)`;

export async function buildProgram(io: CliIo): Promise<Command> {
  // Loaded on use: the hook's own invocation (below) never needs the parser or the other commands.
  const [{ Command }, { COMMANDS }] = await Promise.all([import("commander"), import("./commands/index.js")]);
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
  const hook = hookArguments(argv);
  try {
    if (hook) {
      await runPreReceiveCommand(hook, io);
      return io.exitCode;
    }
    const program = await buildProgram(io);
    await program.parseAsync(argv, { from: "user" });
    return io.exitCode;
  } catch (err) {
    // commander is loaded whenever it can have thrown (buildProgram ran): the import is the loaded module.
    if (!hook && err instanceof (await import("commander")).CommanderError) {
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

/**
 * Every push runs the hook, and the hook runs exactly `pre-receive` or `pre-receive --config
 * FILE` (hooks/pre-receive, `hook install`): those go straight to the command, without
 * loading the parser and every command's options. Anything else (--help, a typo, another
 * order) goes through commander as usual.
 */
function hookArguments(argv: readonly string[]): { config?: string } | null {
  if (argv[0] !== "pre-receive") return null;
  if (argv.length === 1) return {};
  if (argv.length === 3 && argv[1] === "--config" && argv[2] !== undefined && !argv[2].startsWith("-")) return { config: argv[2] };
  return null;
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
