#!/usr/bin/env node
// @ts-check
// Runs a TypeScript script (a benchmark) against the current src/ and test/helpers/, so that
// benchmarks share the code the tests exercise and are type-checked with it (npm run
// typecheck). esbuild bundles the script (dependencies stay external) into a temporary
// module beside node_modules so that packages still resolve.
// Usage: node scripts/run-ts.mjs scripts/bench-app-scale.ts [args…]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs SCRIPT.ts [args…]");
  process.exit(2);
}
const out = mkdtempSync(join(root, "node_modules", ".cache-run-ts-"));
// On exit, not in a finally: scripts end with process.exit() too, which skips a finally.
process.on("exit", () => rmSync(out, { recursive: true, force: true }));
// The worker threads' entries are bundled beside the script, flat, as bundle-cli.mjs does for
// dist: src starts them by the URLs "./scan-worker.js", "./git-runner-thread.js" and "./door-thread.js" next to
// whichever chunk holds the code that starts them.
writeFileSync(join(out, "package.json"), '{"type":"module"}\n');
await build({
  entryPoints: { script: resolve(entry), "scan-worker": join(root, "src", "scan-worker", "scan-worker.ts"), "git-runner-thread": join(root, "src", "scan-worker", "git-runner-thread.ts"), "door-thread": join(root, "src", "app", "door-thread.ts") },
  outdir: out,
  splitting: true,
  bundle: true,
  packages: "external",
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "error",
  // test/helpers register clean-ups with vitest's afterAll; outside vitest they run at exit.
  alias: { vitest: join(root, "scripts", "lib", "vitest-outside.ts") },
});
process.argv = [process.argv[0] ?? process.execPath, join(out, "script.js"), ...args];
await import(pathToFileURL(join(out, "script.js")).href);
