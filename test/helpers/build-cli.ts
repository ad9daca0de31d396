import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

/** The CLI compiled from the current src/ by test/global-setup.ts, once per run. */
export function buildCli(): string {
  return inject("leakguardCli");
}

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
