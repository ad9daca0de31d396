// Builds a synthetic git history for benchmarks from one of the presets of
// test/helpers/synthetic-history.ts (the generator the tests use too).
//
//   node scripts/run-ts.mjs scripts/synthetic-history.ts [--preset bench] [--out DIR]
//     [--commits N] [--mb N] [--files N] [--seed 1] [--force]
//
// Writes DIR/repo.git and DIR/manifest.json: the repository's shape and, for the planned
// presets (bench, views, small), the findings a history scan must report ({commit, path,
// rule, fingerprint}; never a raw key). Presets that extend an existing repository (hook,
// busy) are for code, not for this command.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkSizes, PRESET_NAMES, PRESETS, SYNTHETIC_GIT_ENV, synthesizeHistory } from "../test/helpers/synthetic-history.js";
import type { PresetName } from "../test/helpers/synthetic-history.js";

const fail = (reason: string): never => {
  console.error(`[synthetic-history] ${reason}`);
  process.exit(2);
};
let opt;
try {
  opt = parseArgs({
    options: {
      preset: { type: "string", default: "bench" },
      out: { type: "string", default: "bench-data/synthetic" },
      commits: { type: "string" },
      mb: { type: "string" },
      files: { type: "string" },
      seed: { type: "string", default: "1" },
      force: { type: "boolean", default: false },
    },
  }).values;
} catch (e) {
  fail((e as Error).message);
}
const name = opt!.preset as PresetName;
if (!PRESET_NAMES.includes(name)) fail(`--preset must be one of ${PRESET_NAMES.join(", ")}`);
const preset = PRESETS[name];
if (preset.init === "extend") fail(`preset ${name} extends an existing repository; use it from code (synthesizeHistory)`);
const num = (v: string | undefined, dflt: number): number => (v === undefined ? dflt : Number(v));
const sizes = { commits: num(opt!.commits, preset.commits), mb: num(opt!.mb, preset.mb), files: num(opt!.files, preset.files) };
const seed = Number(opt!.seed);
const bad = checkSizes({ recipe: preset.recipe, ...sizes }) ?? (Number.isInteger(seed) ? null : "--seed must be an integer");
if (bad) fail(bad);

const out = resolve(opt!.out);
const repo = join(out, "repo.git");
if (existsSync(repo)) {
  if (!opt!.force) fail(`${repo} exists; pass --force to rebuild`);
  rmSync(repo, { recursive: true, force: true });
}
mkdirSync(out, { recursive: true });
const started = Date.now();
const env = SYNTHETIC_GIT_ENV;
const history = await synthesizeHistory(repo, { preset: name, ...sizes, seed, env }).catch((e: unknown) => {
  console.error(`[synthetic-history] ${(e as Error).message}`);
  process.exit(1);
});

const check = execFileSync("git", ["cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize)"], { cwd: repo, env, maxBuffer: 1 << 30 }).toString();
const shape: Record<string, number> = { commits: 0, trees: 0, blobs: 0, tags: 0, blobBytes: 0 };
for (const line of check.split("\n")) {
  const [type, size] = line.split(" ");
  if (type === "blob") {
    shape["blobs"]! += 1;
    shape["blobBytes"]! += Number(size);
  } else if (type) shape[`${type}s`] = (shape[`${type}s`] ?? 0) + 1;
}
const packBytes = Number(execFileSync("du", ["-sb", join(repo, "objects")]).toString().split("\t")[0]);
const manifest = {
  version: 1,
  repo,
  preset: name,
  seed,
  shape: { ...shape, packBytes, branches: history.branches, tagRefs: history.tagRefs, largestBlob: history.largestBlob },
  generatedMs: Date.now() - started,
  expected: history.expected,
};
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
const mib = (n: number): string => (n / 1048576).toFixed(0);
console.log(`[synthetic-history] ${repo} (${name}): ${shape["commits"]} commits, ${shape["blobs"]} blobs, ${mib(shape["blobBytes"]!)} MB of unique blob bytes (${mib(packBytes)} MB packed), ${history.expected.length} expected findings, ${history.keys.length} keys and ${history.dotenv.length} .env files written, ${((Date.now() - started) / 1000).toFixed(1)} s`);
