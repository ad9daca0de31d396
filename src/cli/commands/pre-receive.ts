import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { LeakguardError, prefixed } from "../../errors.js";
import { redactAll } from "../../findings/redact.js";

export function registerPreReceive(program: Command, io: CliIo): void {
  program
    .command("pre-receive")
    .description("run as git's pre-receive hook: reject a push that adds a Stripe secret key or a .env file")
    .option("--config <file>", "hook config (default: $LEAKGUARD_HOOK_CONFIG, else leakguard-hook.yml in the repository)")
    .addHelpText("after", "\nReads `<old> <new> <ref>` lines on stdin; exit 0 accepts the push, 1 rejects it, 2 rejects it because leakguard failed.")
    .action((opts: { config?: string }) => runPreReceiveCommand(opts, io));
}

/**
 * The command itself: main.ts calls it directly for the exact arguments git's hook passes
 * (`pre-receive [--config FILE]`), without building the command line parser first.
 */
export async function runPreReceiveCommand(opts: { config?: string }, io: CliIo): Promise<void> {
  // Loaded here, not at the top: every push pays for Node start-up, so the hook loads
  // only what it runs (zod and yaml included), side by side, while stdin is read.
  // No worker thread here: the scan starts one only for a push that holds something
  // for the detectors (hook/screen-push.ts), and stops it at the deadline.
  try {
    const [{ loadHookConfig }, { runPreReceive }, input] = await Promise.all([import("../../hook/config.js"), import("../../hook/run-pre-receive.js"), readAll(io.stdin)]);
    const { config } = await loadHookConfig({ repoDir: io.cwd, env: io.env, path: opts.config });
    // performance.now() counts from process start: Node start-up is part of the budget.
    const result = await runPreReceive({ input, env: io.env, repoDir: io.cwd, config, elapsedMs: performance.now() });
    io.stderr.write(result.message);
    io.exitCode = result.exitCode;
  } catch (err) {
    const { GITLAB_PREFIX, isGitLab } = await import("../../hook/messages.js");
    // Whatever went wrong, the push is rejected with one readable line (GitLab shows it too).
    const text = err instanceof LeakguardError ? prefixed(err.message) : `[leakguard] internal error: ${err instanceof Error ? err.message : String(err)}`;
    io.stderr.write(`${isGitLab(io.env) ? GITLAB_PREFIX : ""}${redactAll(text)} (push rejected)\n`);
    io.exitCode = 2;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString("utf8");
}
