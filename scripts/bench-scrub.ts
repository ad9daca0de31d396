// Times `leakguard scrub --yes --force` against `git filter-repo` doing the same removal
// (dotenv paths deleted, keys replaced in blobs and messages, no commit pruned) on fresh
// bare copies of one synthetic history (the `scrub` preset of
// test/helpers/synthetic-history.ts), in the same run.
//
//   npm run build && node scripts/run-ts.mjs scripts/bench-scrub.ts [--commits N] [--files N] [--runs N] [--repo PATH]
//
// --repo scrubs copies of an existing repository instead (give it a real one). The scrub
// itself runs the built CLI, as a user does; the oracle for --repo uses src/detectors.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { detectStripeKeys, isDotenvPath, isDotenvTemplate } from "../src/detectors/index.js";
import { removesKeyRule } from "../src/scrub/plan.js";
import { synthesizeHistory } from "../test/helpers/synthetic-history.js";
import { builtCli } from "./lib/package-root.js";

const { values: opt } = parseArgs({
  options: { commits: { type: "string", default: "5000" }, files: { type: "string", default: "2000" }, runs: { type: "string", default: "1" }, repo: { type: "string" } },
});
const cli = builtCli("bench-scrub");
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
const work = mkdtempSync(join(tmpdir(), "leakguard-bench-scrub-"));
function copy(src: string, name: string): string {
  const dst = join(work, name);
  rmSync(dst, { recursive: true, force: true });
  execFileSync("git", ["clone", "-q", "--mirror", "--no-local", src, dst], { env });
  return dst;
}

async function time(fn: () => unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * What leakguard removes from a real repository, so filter-repo is given the same removal: live
 * keys by leakguard's own detector, so with its precision rules (placeholders, word-shaped bodies
 * and documentation prose stay, a key glued to a word such as `task_live_…` stays, another
 * provider's `sk_live_` secret goes; a `leakguard:allow` line is no exception, as in scrub), and
 * the dotenv paths. What filter-repo cannot express is not asked of it: keys in base64, behind
 * escapes or inside archives.
 */
async function removalOf(source: string): Promise<{ keys: string[]; dotenv: string[] }> {
  // Streamed with an overlap between chunks: a large repository does not fit in one string.
  const keys = new Set<string>();
  const cat = spawn("git", ["cat-file", "--batch-all-objects", "--batch", "--unordered"], { cwd: source, env, stdio: ["ignore", "pipe", "inherit"] });
  let tail = Buffer.alloc(0);
  for await (const chunk of cat.stdout as AsyncIterable<Buffer>) {
    const bytes = Buffer.concat([tail, chunk]);
    for (const m of detectStripeKeys({ path: "", bytes })) if (m.secret !== null && removesKeyRule(m.rule, false)) keys.add(m.secret);
    tail = bytes.subarray(Math.max(0, bytes.length - 4096));
  }
  // A key cut at a chunk's end was also seen whole in the next chunk: keep only the whole one.
  for (const k of keys) for (const other of keys) if (other !== k && other.startsWith(k)) keys.delete(k);
  const paths = execFileSync("git", ["log", "--all", "--name-only", "--format="], { cwd: source, env, maxBuffer: 1 << 30 }).toString().split("\n");
  return { keys: [...keys], dotenv: [...new Set(paths.filter((p) => isDotenvPath(p) && !isDotenvTemplate(p)))] };
}

const source = opt.repo ? resolve(opt.repo) : join(work, "source.git");
let plan: { keys: string[]; dotenv: string[] };
if (opt.repo) {
  plan = await removalOf(source);
  console.error(`${source}: ${plan.keys.length} keys, ${plan.dotenv.length} dotenv paths`);
} else {
  let built: { keys: string[]; dotenv: string[] } = { keys: [], dotenv: [] };
  const t = await time(async () => (built = await synthesizeHistory(source, { preset: "scrub", commits: Number(opt.commits), files: Number(opt.files), env })));
  plan = built;
  console.error(`synthetic history: ${opt.commits} commits, ${plan.keys.length} keys, ${plan.dotenv.length} .env files (built in ${t.toFixed(1)} s)`);
}
// Keys go only into a temp file, removed with the work folder.
const expressions = join(work, "expressions.txt");
writeFileSync(expressions, plan.keys.map((k) => `${k}==>***REMOVED***`).join("\n") + "\n");
const results: { ours: number; theirs: number }[] = [];
for (let run = 0; run < Number(opt.runs); run++) {
  const a = copy(source, "leakguard.git");
  const ours = await time(() => execFileSync("node", [cli, "scrub", "--yes", "--force", a], { env, stdio: "ignore" }));
  const b = copy(source, "filter-repo.git");
  const theirs = await time(() =>
    execFileSync("git", ["filter-repo", "--force", "--quiet", "--invert-paths", ...plan.dotenv.flatMap((p) => ["--path", p]),
      "--replace-text", expressions, "--replace-message", expressions, "--prune-empty", "never", "--prune-degenerate", "never"],
    { cwd: b, env, stdio: "ignore" }),
  );
  const same = execFileSync("git", ["rev-parse", "main^{tree}"], { cwd: a, env }).toString() === execFileSync("git", ["rev-parse", "main^{tree}"], { cwd: b, env }).toString();
  results.push({ ours, theirs });
  console.log(`run ${run + 1}: leakguard scrub ${ours.toFixed(2)} s, git filter-repo ${theirs.toFixed(2)} s, ratio ${(ours / theirs).toFixed(2)} (same tip tree: ${same})`);
}
const med = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
const o = med(results.map((r) => r.ours));
const f = med(results.map((r) => r.theirs));
const ratio = med(results.map((r) => r.ours / r.theirs));
console.log(`median: leakguard ${o.toFixed(2)} s, filter-repo ${f.toFixed(2)} s; median of per-run ratios ${ratio.toFixed(2)} (below 1: leakguard is faster)`);
rmSync(work, { recursive: true, force: true });
