import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

// Tests that run leakguard as git runs it (a hook process) need the compiled CLI. It is
// built once per test run from the current src/ (never a stale dist/), under
// node_modules/.cache so that it still resolves the package's dependencies.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

declare module "vitest" {
  export interface ProvidedContext {
    leakguardCli: string;
  }
}

export default function setup(project: TestProject) {
  mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
  const out = mkdtempSync(join(ROOT, "node_modules", ".cache", "leakguard-cli-"));
  execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out, "--sourceMap", "false"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  project.provide("leakguardCli", join(out, "cli", "main.js"));
  return () => rmSync(out, { recursive: true, force: true });
}
