#!/usr/bin/env node
// Times `leakguard scrub --yes --force` against `git filter-repo` doing the same removal
// (dotenv paths deleted, keys replaced in blobs and messages, no commit pruned) on fresh
// bare copies of one synthetic history built with `git fast-import`, in the same run.
//
//   npm run build && node scripts/bench-scrub.mjs [--commits N] [--files N] [--runs N] [--repo PATH]
//
// --repo scrubs copies of an existing repository instead (give it a real one).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { synthesize } from "./synthetic-history.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opt } = parseArgs({
  options: { commits: { type: "string", default: "5000" }, files: { type: "string", default: "2000" }, runs: { type: "string", default: "1" }, repo: { type: "string" } },
});
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
const work = mkdtempSync(join(tmpdir(), "leakguard-bench-scrub-"));
function copy(src, name) {
  const dst = join(work, name);
  rmSync(dst, { recursive: true, force: true });
  execFileSync("git", ["clone", "-q", "--mirror", "--no-local", src, dst], { env });
  return dst;
}

function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

let source = opt.repo ? resolve(opt.repo) : join(work, "source.git");
let plan;
if (opt.repo) {
  // A real repository: find what leakguard removes (live keys by leakguard's own detector, so
  // with its precision rules: placeholders, word-shaped bodies and documentation prose stay,
  // a key glued to a word such as `task_live_…` stays, another provider's `sk_live_` secret
  // goes; a `leakguard:allow` line is no exception, as in scrub) and the dotenv paths, so that
  // filter-repo is given the same removal. Keys go only into a temp file. What filter-repo
  // cannot express is not asked of it: keys in base64, behind escapes or inside archives.
  const { detectStripeKeys, isDotenvPath, isDotenvTemplate } = await import(join(root, "dist/detectors/index.js"));
  const { removesKeyRule } = await import(join(root, "dist/scrub/plan.js"));
  // Streamed with an overlap between chunks: a large repository does not fit in one string.
  const keys = new Set();
  const cat = spawn("git", ["cat-file", "--batch-all-objects", "--batch", "--unordered"], { cwd: source, env, stdio: ["ignore", "pipe", "inherit"] });
  let tail = Buffer.alloc(0);
  for await (const chunk of cat.stdout) {
    const bytes = Buffer.concat([tail, chunk]);
    for (const m of detectStripeKeys({ path: "", bytes })) if (m.secret !== null && removesKeyRule(m.rule, false)) keys.add(m.secret);
    tail = bytes.subarray(Math.max(0, bytes.length - 4096));
  }
  // A key cut at a chunk's end was also seen whole in the next chunk: keep only the whole one.
  for (const k of keys) for (const other of keys) if (other !== k && other.startsWith(k)) keys.delete(k);
  const paths = execFileSync("git", ["log", "--all", "--name-only", "--format="], { cwd: source, env, maxBuffer: 1 << 30 }).toString().split("\n");
  plan = { keys: [...keys], dotenv: [...new Set(paths.filter((p) => isDotenvPath(p) && !isDotenvTemplate(p)))] };
  console.error(`${source}: ${plan.keys.length} keys, ${plan.dotenv.length} dotenv paths`);
} else {
  const t = time(() => (plan = synthesize(source, { commits: Number(opt.commits), files: Number(opt.files), env })));
  console.error(`synthetic history: ${opt.commits} commits, ${plan.keys.length} keys, ${plan.dotenv.length} .env files (built in ${t.toFixed(1)} s)`);
}
const expressions = join(work, "expressions.txt");
writeFileSync(expressions, plan.keys.map((k) => `${k}==>***REMOVED***`).join("\n") + "\n");
const cli = join(root, "dist/cli/main.js");
const results = [];
for (let run = 0; run < Number(opt.runs); run++) {
  const a = copy(source, "leakguard.git");
  const ours = time(() => execFileSync("node", [cli, "scrub", "--yes", "--force", a], { env, stdio: "ignore" }));
  const b = copy(source, "filter-repo.git");
  const theirs = time(() =>
    execFileSync("git", ["filter-repo", "--force", "--quiet", "--invert-paths", ...plan.dotenv.flatMap((p) => ["--path", p]),
      "--replace-text", expressions, "--replace-message", expressions, "--prune-empty", "never", "--prune-degenerate", "never"],
    { cwd: b, env, stdio: "ignore" }),
  );
  const same = execFileSync("git", ["rev-parse", "main^{tree}"], { cwd: a, env }).toString() === execFileSync("git", ["rev-parse", "main^{tree}"], { cwd: b, env }).toString();
  results.push({ ours, theirs });
  console.log(`run ${run + 1}: leakguard scrub ${ours.toFixed(2)} s, git filter-repo ${theirs.toFixed(2)} s, ratio ${(ours / theirs).toFixed(2)} (same tip tree: ${same})`);
}
const med = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const o = med(results.map((r) => r.ours));
const f = med(results.map((r) => r.theirs));
const ratio = med(results.map((r) => r.ours / r.theirs));
console.log(`median: leakguard ${o.toFixed(2)} s, filter-repo ${f.toFixed(2)} s; median of per-run ratios ${ratio.toFixed(2)} (below 1: leakguard is faster)`);
rmSync(work, { recursive: true, force: true });
