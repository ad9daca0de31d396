import type { Command } from "commander";
import type { CliIo } from "../io.js";

/** `leakguard app`: the GitHub App server, configured from the environment (see docs/app.md). */
export function registerApp(program: Command, io: CliIo): void {
  program
    .command("app")
    .description("run the GitHub App: webhook server on $PORT, scans pushes, opens rotation issues")
    .addHelpText(
      "after",
      "\nEnvironment: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT (3000), HOST (all),\nGITHUB_API_URL (https://api.github.com), LEAKGUARD_DATA_DIR (./.leakguard),\nLEAKGUARD_RETENTION_DAYS (7), LOG_LEVEL (info). A bad value, a busy port or an unusable\ndata dir stops the start with one line and exit code 2.",
    )
    .action(async () => {
      // Loaded on use: every command is registered on every run, and the pre-receive hook
      // (one Node start per push) must not pay for the server's dependencies.
      const { readEnv } = await import("../../config/env.js");
      const { createLogger } = await import("../../app/create-logger.js");
      const { startApp } = await import("../../app/start-app.js");
      // Validated before anything starts (the private key signs a test JWT): every bad
      // variable in one line, exit 2.
      const config = readEnv(io.env, io.cwd);
      const log = createLogger(io.stdout, config.logLevel);
      let lost = (_err: Error): void => {};
      const app = await startApp(config, { log, onDoorLost: (err) => lost(err) });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, "shutting down");
          app.close().then(resolve, resolve);
        };
        // Nothing answers webhooks any more: stop, and exit 2 so that a supervisor starts the app afresh.
        lost = () => {
          io.exitCode = 2;
          stop("webhook door lost");
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
