import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

// Tests that run leakguard as git runs it (a hook process) need the compiled CLI. Each
// test file builds its own copy under node_modules/.cache, so parallel files never race
// on dist/ and the copy still resolves the package's dependencies.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const built: string[] = [];
afterAll(() => {
  for (const d of built.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Compiles src/ and returns the path of the built `cli/main.js`. */
export function buildCli(): string {
  const out = mkdtempSync(join(ROOT, "node_modules", ".cache", "leakguard-cli-"));
  built.push(out);
  execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out, "--sourceMap", "false"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return join(out, "cli", "main.js");
}

export const PACKAGE_ROOT = ROOT;
