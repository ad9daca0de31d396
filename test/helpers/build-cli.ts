import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { afterAll } from "vitest";

// Tests that run leakguard as git runs it (a hook process) need the compiled CLI. Each
// test file transpiles its own copy under node_modules/.cache, so parallel files never
// race on dist/ and the copy still resolves the package's dependencies. esbuild, not tsc:
// types are checked once by `npm run typecheck`, and a full tsc per test file took over a
// minute on a loaded 2-core machine.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const built: string[] = [];
afterAll(() => {
  for (const d of built.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
}

/** Compiles src/ file by file (same layout as dist/) and returns the path of `cli/main.js`. */
export function buildCli(): string {
  const out = mkdtempSync(join(ROOT, "node_modules", ".cache", "leakguard-cli-"));
  built.push(out);
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
  return join(out, "cli", "main.js");
}

export const PACKAGE_ROOT = ROOT;
