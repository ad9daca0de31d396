// The repository's root, for scripts that run the built CLI (dist/cli/main.js). Found by
// walking up from this module: a script runs from the bundle scripts/run-ts.mjs writes
// under node_modules/, so paths relative to import.meta.url would be the bundle's.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const pkg = join(d, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "leakguard") return d;
    if (dirname(d) === d) throw new Error("scripts must run from inside the leakguard repository");
  }
}

/** The built CLI, as a user runs it; exits 2 with the reason when it is not built. */
export function builtCli(script: string): string {
  const cli = join(packageRoot(), "dist", "cli", "main.js");
  if (!existsSync(cli)) {
    console.error(`[${script}] dist/cli/main.js is missing: run npm run build first`);
    process.exit(2);
  }
  return cli;
}
