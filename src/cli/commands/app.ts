import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { readEnv } from "../../config/env.js";
import { createLogger } from "../../app/create-logger.js";
import { startApp } from "../../app/start-app.js";

/** `leakguard app`: the GitHub App server, configured from the environment (see docs/app.md). */
export function registerApp(program: Command, io: CliIo): void {
  program
    .command("app")
    .description("run the GitHub App: webhook server on $PORT, scans pushes, opens rotation issues")
    .addHelpText(
      "after",
      "\nEnvironment: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT (3000),\nGITHUB_API_URL (https://api.github.com), LEAKGUARD_DATA_DIR (./.leakguard), LOG_LEVEL (info).",
    )
    .action(async () => {
      // Validated before anything starts: a bad variable is a one-line error and exit 2.
      const config = readEnv(io.env, io.cwd);
      const log = createLogger(io.stdout, io.env["LOG_LEVEL"] ?? "info");
      const app = await startApp(config, { log });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, "shutting down");
          app.close().then(resolve, resolve);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
