// Times `leakguard scan --history` against git inflating every object once, on the same
// synthetic repository in the same run, and checks the scan found exactly the planted leaks.
//
//   node scripts/run-ts.mjs scripts/synthetic-history.ts --preset bench --out bench-data/synthetic   # once
//   npm run build && node scripts/run-ts.mjs scripts/bench-scan.ts [--data bench-data/synthetic] [--runs 5] [--log-p]
//     [--sorted] [--engine native|isomorphic] [--prefilter grep|stream]
//
// Each round runs the reference and the scan back to back (order alternating), after one
// warm-up round, so both see the same page cache and the same machine load; figures are
// medians. Peak memory is the largest sum of RSS over the scan's process tree (node and
// its git children, PSS so that shared pack mappings count once), sampled from /proc every
// 20 ms, next to the largest single process's maxRSS. The scan is the built CLI, as a user
// runs it; --prefilter scans through the API of src/ (this script, bundled by run-ts) in a
// child process instead, with the native engine's prefilter forced.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Finding } from "../src/findings/finding.js";
import { scanHistory } from "../src/findings/scan-history.js";
import { createNativeEngine } from "../src/git/native/engine.js";
import type { Prefilter } from "../src/git/native/read-blobs.js";
import type { ExpectedFinding } from "../test/helpers/synthetic-history.js";
import { builtCli } from "./lib/package-root.js";

if (process.argv[2] === "--api-child") {
  // One scan through the API, in a fresh process measured like the CLI: writes the result as JSON.
  const [, , , repo = "", prefilter = "", out = ""] = process.argv;
  const r = await scanHistory({ engine: createNativeEngine(repo, process.env, undefined, { prefilter: prefilter as Prefilter }), selection: { all: true } });
  writeFileSync(out, JSON.stringify(r));
  process.exit(0);
}

const { values: opt } = parseArgs({
  options: {
    data: { type: "string", default: "bench-data/synthetic" },
    runs: { type: "string", default: "5" },
    "log-p": { type: "boolean", default: false },
    sorted: { type: "boolean", default: false },
    engine: { type: "string", default: "native" },
    // Through the API instead of the CLI, with the native engine's prefilter forced.
    prefilter: { type: "string" },
  },
});

/** What scripts/synthetic-history.ts writes beside the repository (the part read here). */
interface Manifest {
  shape: { commits: number; blobs: number; blobBytes: number };
  expected: ExpectedFinding[];
}

const data = resolve(opt.data);
const repo = join(data, "repo.git");
const manifest = JSON.parse(readFileSync(join(data, "manifest.json"), "utf8")) as Manifest;
const cli = builtCli("bench-scan");
const out = `/tmp/leakguard-bench-${process.pid}.json`;
// The module node runs now (run-ts's bundle): the API child runs the same one.
const self = process.argv[1] ?? "";

/**
 * Memory of a process and all its descendants, in KB (Linux /proc): the sum of PSS, which
 * counts a page shared by several processes (git's mmapped packs) once in all, not once each.
 */
function treeRss(pid: number): number {
  let kb = 0;
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    kb += Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 0);
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const k of kids ? kids.split(" ") : []) kb += treeRss(Number(k));
    }
  } catch {
    // the process ended between two reads
  }
  return kb;
}

interface Measured {
  wall: number;
  cpu: number;
  maxRss: number;
  peak: number;
}
interface MeasureOptions {
  cwd?: string;
  sample?: boolean;
  /** Which exit codes count as success (default: 0 only). */
  ok?: (code: number | null) => boolean;
}

/** Runs a command with stdout to /dev/null; wall ms, CPU ms (self + children), peak tree RSS. */
function measure(cmd: string, args: string[], opts: MeasureOptions = {}): Promise<Measured> {
  return new Promise((res, rej) => {
    const wrapped = ["-f", "%e %U %S %M", cmd, ...args];
    const started = performance.now();
    const child = spawn("/usr/bin/time", wrapped, { cwd: opts.cwd ?? process.cwd(), stdio: ["ignore", "ignore", "pipe"] });
    let peak = 0;
    // Sampling the tree's PSS every 20 ms reads smaps_rollup of every process (page-table
    // walks, on the same 2 cores): timed rounds run without it, one round more measures memory.
    const timer = opts.sample ? setInterval(() => (peak = Math.max(peak, treeRss(child.pid ?? 0))), 20) : undefined;
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (code) => {
      clearInterval(timer);
      const wall = performance.now() - started;
      const last = (err.trim().split("\n").at(-1) ?? "").split(" ");
      if (opts.ok ? !opts.ok(code) : code !== 0) return rej(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err.slice(0, 300)}`));
      res({ wall, cpu: (Number(last[1]) + Number(last[2])) * 1000, maxRss: Number(last[3]), peak });
    });
  });
}

const sh = (script: string): [string, string[]] => ["sh", ["-c", script]];
const reference = (sample = false): Promise<Measured> => measure(...sh(`git cat-file --batch-all-objects --batch --unordered >/dev/null`), { cwd: repo, sample });
const scan = (sample = false): Promise<Measured> =>
  opt.prefilter
    ? measure("node", [self, "--api-child", repo, opt.prefilter, out], { sample })
    : measure("node", [cli, "scan", "--history", repo, "--engine", opt.engine, "--format", "json", "--output", out, "--no-progress"], { ok: (c) => c === 0 || c === 1, sample });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const runs = Number(opt.runs);
const results: Record<"reference" | "scan", Measured[]> = { reference: [], scan: [] };
console.log(`[bench-scan] ${repo}: ${manifest.shape.commits} commits, ${manifest.shape.blobs} blobs, ${(manifest.shape.blobBytes / 2 ** 20).toFixed(0)} MB unique blob bytes`);
console.log(`[bench-scan] machine: ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
await reference(); // warm-up: page cache for both
await scan();
for (let i = 0; i < runs; i++) {
  const pair = i % 2 ? ([["scan", scan], ["reference", reference]] as const) : ([["reference", reference], ["scan", scan]] as const);
  for (const [name, f] of pair) results[name].push(await f());
  const r = results.reference.at(-1)!, s = results.scan.at(-1)!;
  console.log(`  round ${i + 1}: cat-file ${(r.wall / 1000).toFixed(2)} s, scan ${(s.wall / 1000).toFixed(2)} s (x${(s.wall / r.wall).toFixed(2)})`);
}
// Memory in a round of its own, sampled (see measure()).
const memory = await scan(true);
console.log(`  memory round: scan ${(memory.wall / 1000).toFixed(2)} s while sampled, peak ${(memory.peak / 1024).toFixed(0)} MB`);

// Correctness: exactly the planted findings, by commit, path, rule and fingerprint.
const report = JSON.parse(readFileSync(out, "utf8")) as { findings: Finding[] };
rmSync(out, { force: true });
const id = (f: { commit: string | null; path: string; rule: string; fingerprint: string }): string => `${f.commit} ${f.path} ${f.rule} ${f.fingerprint}`;
const want = new Set(manifest.expected.map(id));
const got = new Set(report.findings.map(id));
const missing = [...want].filter((x) => !got.has(x));
const extra = [...got].filter((x) => !want.has(x));

const fmt = (xs: Measured[], k: "wall" | "cpu"): string => (median(xs.map((x) => x[k])) / 1000).toFixed(2);
const ref = median(results.reference.map((x) => x.wall));
const scn = median(results.scan.map((x) => x.wall));
const refCpu = median(results.reference.map((x) => x.cpu));
const scnCpu = median(results.scan.map((x) => x.cpu));
const peak = memory.peak / 1024;
const nodeRss = Math.max(memory.maxRss, ...results.scan.map((x) => x.maxRss)) / 1024;
console.log(`\nmedian of ${runs} (wall s / cpu s):`);
console.log(`  git cat-file --batch-all-objects --batch --unordered  ${fmt(results.reference, "wall")} / ${fmt(results.reference, "cpu")}`);
console.log(`  leakguard scan --history ${opt.prefilter ? `(API, prefilter ${opt.prefilter})` : "--format json           "}   ${fmt(results.scan, "wall")} / ${fmt(results.scan, "cpu")}`);
// Per-round ratios cancel the machine's load drift better than a ratio of medians.
const pairRatio = median(results.scan.map((s, i) => s.wall / results.reference[i]!.wall));
const pairCpu = median(results.scan.map((s, i) => s.cpu / results.reference[i]!.cpu));
console.log(`  ratio scan / cat-file: wall x${(scn / ref).toFixed(2)}, cpu x${(scnCpu / refCpu).toFixed(2)} (target wall <= x1.5)`);
console.log(`  median of per-round ratios: wall x${pairRatio.toFixed(2)}, cpu x${pairCpu.toFixed(2)}`);
console.log(`  scan peak memory: ${peak.toFixed(0)} MB process tree (PSS sum), ${nodeRss.toFixed(0)} MB largest single process (target < 500 MB)`);
if (opt.sorted) {
  const s = await measure(...sh(`git cat-file --batch-all-objects --batch >/dev/null`), { cwd: repo });
  console.log(`  git cat-file --batch-all-objects --batch (oid order), 1 run: ${(s.wall / 1000).toFixed(2)} s (scan x${(scn / s.wall).toFixed(2)})`);
}
if (opt["log-p"]) {
  const l = await measure(...sh(`git log -p --all >/dev/null`), { cwd: repo });
  console.log(`  git log -p --all, 1 run: ${(l.wall / 1000).toFixed(2)} s (x${(l.wall / ref).toFixed(2)} cat-file)`);
}
console.log(`  findings: ${report.findings.length}, expected ${want.size}, missing ${missing.length}, unexpected ${extra.length}`);
for (const m of missing) console.log(`    missing: ${m}`);
for (const e of extra) console.log(`    unexpected: ${e}`);
const ok = missing.length === 0 && extra.length === 0;
console.log(ok ? "[bench-scan] all planted leaks found, nothing else" : "[bench-scan] FINDINGS DO NOT MATCH THE MANIFEST");
process.exitCode = ok ? 0 : 1;
