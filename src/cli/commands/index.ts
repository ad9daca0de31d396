import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { registerApp } from "./app.js";
import { registerHookInstall } from "./hook-install.js";
import { registerPreReceive } from "./pre-receive.js";
import { registerScan } from "./scan.js";
import { registerScrub } from "./scrub.js";

/** Every subcommand registers itself; main.ts stays wiring only. */
export const COMMANDS: ReadonlyArray<(program: Command, io: CliIo) => void> = [
  registerScan,
  registerScrub,
  registerPreReceive,
  registerHookInstall,
  registerApp,
];
