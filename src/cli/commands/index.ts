import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { registerScan } from "./scan.js";

/** Every subcommand registers itself; main.ts stays wiring only. */
export const COMMANDS: ReadonlyArray<(program: Command, io: CliIo) => void> = [registerScan];
