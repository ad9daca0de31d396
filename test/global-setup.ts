import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import type { TestProject } from "vitest/node";

// Tests that run leakguard as git runs it (a hook process) need the compiled CLI. It is
// built once per test run from the current src/ (never a stale dist/), under
// node_modules/.cache so that it still resolves the package's dependencies. esbuild, not
// tsc: types are checked by `npm run typecheck`, and transpiling takes well under a second.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

declare module "vitest" {
  export interface ProvidedContext {
    leakguardCli: string;
  }
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
}

export default function setup(project: TestProject) {
  mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
  const out = mkdtempSync(join(ROOT, "node_modules", ".cache", "leakguard-cli-"));
  buildSync({
    entryPoints: sources(join(ROOT, "src")),
    outdir: out,
    outbase: join(ROOT, "src"),
    format: "esm",
    platform: "node",
    target: "node20",
    bundle: false,
    logLevel: "error",
  });
  project.provide("leakguardCli", join(out, "cli", "main.js"));
  return () => rmSync(out, { recursive: true, force: true });
}
