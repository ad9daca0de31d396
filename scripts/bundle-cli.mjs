#!/usr/bin/env node
// @ts-check
// Bundles the CLI entry and the scan worker's entry into dist/cli/ (part of `npm run build`,
// after tsc). Every push runs `leakguard pre-receive`, and Node's ES module loader pays for
// each file it resolves and reads: the ~70 modules of the hook's path cost it more than
// the matching does (docs/PERFORMANCE.md, "pre-receive hook"). Code that only some
// commands need stays behind dynamic import() in chunks of its own, so the hook still loads
// only what it runs. The dependencies stay external (native addons, worker transports),
// except commander, which every command loads.
//   node scripts/bundle-cli.mjs [--outdir dist/cli]
// Everything lands flat in one folder: the threads are started by the URLs "./scan-worker.js",
// "./git-runner-thread.js" and "./door-thread.js" next to whichever chunks start them, and the installer finds ../cli/main.js
// and ../../hooks/ from its chunk as it does from dist/hook/.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const i = process.argv.indexOf("--outdir");
const given = i === -1 ? join(ROOT, "dist", "cli") : process.argv[i + 1];
// Without a folder, resolve() would give the current one, whose chunk-*.js the loop below removes.
if (!given) {
  console.error("[bundle-cli] --outdir needs a folder");
  process.exit(2);
}
const outdir = resolve(given);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const external = Object.keys(pkg.dependencies).filter((d) => d !== "commander");

mkdirSync(outdir, { recursive: true });
// Chunks of an earlier build would pile up under new hashes.
for (const f of readdirSync(outdir, { withFileTypes: true }).map((e) => e.name)) {
  if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(f)) rmSync(join(outdir, f));
}

await build({
  absWorkingDir: ROOT,
  entryPoints: { main: "src/cli/main.ts", "scan-worker": "src/scan-worker/scan-worker.ts", "git-runner-thread": "src/scan-worker/git-runner-thread.ts", "door-thread": "src/app/door-thread.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  chunkNames: "chunk-[hash]",
  sourcemap: true,
  // commander is CommonJS and require()s Node's own modules: give the bundle a require.
  banner: { js: 'import { createRequire as __leakguardRequire } from "node:module"; const require = __leakguardRequire(import.meta.url);' },
  logLevel: "warning",
});
