// The one synthetic-history generator, shared by the benchmarks (scripts/) and the tests:
// named presets, each written into one streamed `git fast-import`. The same preset, sizes
// and seed give the same repository (object ids included) except for key bodies, which
// test/helpers/keys.ts makes at run time, never from the seed.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { makeRng } from "./synthetic/make-rng.js";
import { openFastImport } from "./synthetic/open-fast-import.js";
import type { PlantedFinding } from "./synthetic/make-plants.js";
import { writeBusy, writeChain, writeLinear, writeSideBranch } from "./synthetic/recipes.js";
import { writePlanned } from "./synthetic/write-planned.js";

type Recipe = "planned" | "linear" | "side-branch" | "chain" | "busy";

interface Preset {
  recipe: Recipe;
  commits: number;
  /** Files to spread edits over (linear, side-branch) or per commit (busy). */
  files: number;
  /** Unique blob bytes to reach, in MiB (planned). */
  mb: number;
  /** "bare" or "worktree": a new repository at dir; "extend": dir is a repository already. */
  init: "bare" | "worktree" | "extend";
  /** What runs after the import: nothing (fast-import's own pack), `repack -a -d`, or `gc`. */
  pack: "none" | "repack" | "gc";
}

const planned = (commits: number, mb: number): Preset => ({ recipe: "planned", commits, mb, files: 0, init: "bare", pack: "none" });

/** The presets, by name, as the benchmarks and docs/PERFORMANCE.md use them. */
export const PRESETS = {
  /** History scan benchmark (bench-scan): 30,000 commits, 1 GiB of unique blob bytes, 18 planted findings. */
  bench: planned(30000, 1024),
  /** Views benchmark: 5,000 commits, 200 MiB. */
  views: planned(5000, 200),
  /** Isomorphic-engine figure: 2,000 commits, 60 MiB. */
  small: planned(2000, 60),
  /** Scrub benchmark (bench-scrub): 5,000 linear commits over 2,000 files, 50 keys, 10 .env files. */
  scrub: { recipe: "linear", commits: 5000, files: 2000, mb: 0, init: "bare", pack: "repack" },
  /** Engines benchmark (bench-engines): 3,000 commits, a side branch, a key every 500 commits. */
  engines: { recipe: "side-branch", commits: 3000, files: 2000, mb: 0, init: "worktree", pack: "gc" },
  /** Hook benchmark (bench-hook): refs/heads/big, N commits on top of refs/heads/main of an existing repository. */
  hook: { recipe: "chain", commits: 10000, files: 1, mb: 0, init: "extend", pack: "none" },
  /** Progress test: 400 commits of 8 fresh 2 KB files (3,200 blobs) on main of an existing repository. */
  busy: { recipe: "busy", commits: 400, files: 8, mb: 0, init: "extend", pack: "none" },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export interface SynthesizeOptions {
  preset: PresetName;
  commits?: number;
  files?: number;
  mb?: number;
  seed?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ExpectedFinding extends PlantedFinding {
  commit: string;
}

export interface SyntheticHistory {
  dir: string;
  preset: PresetName;
  seed: number;
  /** What a history scan must report (planned presets): commit, path, rule, fingerprint; no key. */
  expected: ExpectedFinding[];
  /** The keys written, except by the planned presets (their leaks are `expected`); never print them: a benchmark's oracle only, e.g. filter-repo's replace list. */
  keys: string[];
  dotenv: string[];
  /** Planned presets: refs/heads/* count, tag refs, the largest blob in bytes. */
  branches?: number;
  tagRefs?: number;
  largestBlob?: number;
}

/** A git environment free of the user's and the system's configuration. */
export const SYNTHETIC_GIT_ENV: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", LC_ALL: "C" };

/** Rejects sizes a preset cannot build; a one-line reason. */
export function checkSizes(o: { recipe?: Recipe; commits: number; files: number; mb: number }): string | null {
  if (!Number.isInteger(o.commits) || o.commits < 1) return "--commits must be a positive integer";
  if (o.recipe === "planned" && (o.commits < 100 || !(o.mb > 0))) return "--commits must be >= 100 and --mb > 0";
  if (o.recipe !== "planned" && o.recipe !== "chain" && (!Number.isInteger(o.files) || o.files < 1)) return "--files must be a positive integer";
  return null;
}

/** Writes the preset's history into dir (created, or extended for "extend" presets). */
export async function synthesizeHistory(dir: string, opts: SynthesizeOptions): Promise<SyntheticHistory> {
  const preset: Preset = PRESETS[opts.preset];
  const commits = opts.commits ?? preset.commits;
  const files = opts.files ?? preset.files;
  const mb = opts.mb ?? preset.mb;
  const seed = opts.seed ?? 1;
  const env = opts.env ?? SYNTHETIC_GIT_ENV;
  const bad = checkSizes({ recipe: preset.recipe, commits, files, mb });
  if (bad) throw new Error(bad);
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 30 });
  if (preset.init === "extend") git("rev-parse", "--git-dir");
  else {
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
    execFileSync("git", ["init", "-q", "--initial-branch=main", ...(preset.init === "bare" ? ["--bare"] : []), dir], { env });
  }

  const rng = makeRng(seed);
  const fi = openFastImport(dir, env);
  let result: Omit<SyntheticHistory, "dir" | "preset" | "seed" | "expected"> & { expected?: (PlantedFinding & { commitMark: number })[] };
  try {
    switch (preset.recipe) {
      case "planned": {
        const plan = await writePlanned(fi, rng, commits, mb * 1024 * 1024);
        result = { keys: [], dotenv: [], expected: plan.expected, branches: plan.branches, tagRefs: plan.tagCount, largestBlob: plan.largestBlob };
        break;
      }
      case "linear": result = await writeLinear(fi, rng, commits, files); break;
      case "side-branch": result = await writeSideBranch(fi, rng, commits, files); break;
      case "chain": result = await writeChain(fi, commits); break;
      case "busy": result = await writeBusy(fi, rng, commits, files); break;
    }
  } catch (e) {
    fi.abort();
    throw e;
  }
  const oids = await fi.finish();
  if (preset.pack === "repack") git("repack", "-q", "-a", "-d");
  if (preset.pack === "gc") git("gc", "-q");
  const { expected = [], ...rest } = result;
  return {
    dir,
    preset: opts.preset,
    seed,
    ...rest,
    expected: expected.map(({ commitMark, ...e }) => {
      const commit = oids.get(commitMark);
      if (!commit) throw new Error(`git fast-import wrote no commit for mark :${commitMark}`);
      return { commit, ...e };
    }),
  };
}
