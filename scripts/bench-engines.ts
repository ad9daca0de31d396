// Times a full-history scan with the native engine and with the isomorphic engine on the
// same synthetic repository, in the same run, and prints the ratio.
//
//   node scripts/run-ts.mjs scripts/bench-engines.ts [--commits 3000] [--runs 1] [--keep DIR]
//
// The repository is the `engines` preset of test/helpers/synthetic-history.ts (a few
// thousand commits over a couple of thousand files, a side branch merged back, keys planted
// at known commits), packed with `git gc` as a real clone would be. Each scan runs the
// engines of src/ (this script, bundled by run-ts) in its own child process so that its
// peak memory (maxRSS) is its own, under GNU time when present for its CPU seconds (the
// scan and the git processes it starts): on a busy machine CPU time is the steadier figure.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanHistory } from "../src/findings/scan-history.js";
import { openEngine } from "../src/git/open-engine.js";
import type { EngineName } from "../src/git/open-engine.js";
import { PRESETS, synthesizeHistory } from "../test/helpers/synthetic-history.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};

interface ScanFigures {
  ms: number;
  digest: string;
  findings: number;
  commits: number;
  blobs: number;
  bytes: number;
  maxRssMb: number;
  cpuMs?: number;
}

if (args[0] === "--child") {
  // One scan, in a fresh process: prints its figures as JSON.
  const [, engineName, dir] = args as [string, EngineName, string];
  const engine = await openEngine(dir, engineName);
  const started = performance.now();
  const { findings, stats } = await scanHistory({ engine, selection: { all: true } });
  const ms = performance.now() - started;
  // A digest of the whole findings list: the engines must agree on every attribution too.
  const digest = createHash("sha256").update(JSON.stringify(findings)).digest("hex");
  const out: ScanFigures = { ms, digest, findings: findings.length, commits: stats.commits, blobs: stats.blobs, bytes: stats.bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const COMMITS = Number(opt("commits", "3000"));
const TIME = "/usr/bin/time"; // GNU time: CPU seconds of the scan and every git it starts
// The module node runs now (run-ts's bundle): the child runs the same one.
const self = process.argv[1] ?? "";

function scan(engine: string, dir: string): ScanFigures {
  const cmd = [process.execPath, self, "--child", engine, dir];
  const timeFile = join(tmpdir(), `leakguard-bench-time-${process.pid}`);
  const timed = existsSync(TIME);
  const res = timed
    ? spawnSync(TIME, ["-f", "%U %S", "-o", timeFile, ...cmd], { encoding: "utf8", maxBuffer: 1 << 26 })
    : spawnSync(process.execPath, cmd.slice(1), { encoding: "utf8", maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(`${engine} scan failed: ${res.stderr}`);
  const out = JSON.parse(res.stdout) as ScanFigures;
  if (timed) {
    const [user = NaN, sys = NaN] = (readFileSync(timeFile, "utf8").trim().split("\n").at(-1) ?? "").split(" ").map(Number);
    out.cpuMs = (user + sys) * 1000;
    rmSync(timeFile, { force: true });
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const keep = opt("keep", "") || null;
const dir = keep ?? mkdtempSync(join(tmpdir(), "leakguard-bench-engines-"));
try {
  if (!existsSync(join(dir, "HEAD")) && !existsSync(join(dir, ".git"))) {
    const t = performance.now();
    const built = await synthesizeHistory(dir, { preset: "engines", commits: COMMITS });
    console.log(`built ${COMMITS} commits, ${PRESETS.engines.files} files, ${built.keys.length} planted keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const packBytes = execFileSync("git", ["count-objects", "-v"], { cwd: dir, encoding: "utf8" });
  console.log(packBytes.split("\n").filter((l) => /^(count|size-pack|in-pack)/.test(l)).join(", "));
  const runs = Number(opt("runs", "1"));
  const results: Record<"native" | "isomorphic", ScanFigures[]> = { native: [], isomorphic: [] };
  for (let i = 0; i < runs; i++) for (const engine of ["native", "isomorphic"] as const) results[engine].push(scan(engine, dir));
  const row = (name: string, r: ScanFigures): string =>
    `${name.padEnd(11)} ${(r.ms / 1000).toFixed(2).padStart(7)} s wall  ${r.cpuMs ? `${(r.cpuMs / 1000).toFixed(2).padStart(7)} s cpu  ` : ""}${String(r.commits).padStart(6)} commits  ${String(r.blobs).padStart(6)} blobs  ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB  ${String(r.findings).padStart(3)} findings  peak RSS ${r.maxRssMb.toFixed(0)} MB`;
  for (let i = 0; i < runs; i++) {
    console.log(row("native", results.native[i]!));
    console.log(row("isomorphic", results.isomorphic[i]!));
  }
  const ratio = (key: "ms" | "cpuMs"): string => median(results.isomorphic.map((r, i) => (r[key] ?? NaN) / (results.native[i]![key] ?? NaN))).toFixed(1);
  const native = results.native[0]!;
  const iso = results.isomorphic[0]!;
  console.log(`isomorphic / native (median of ${runs}): ${ratio("ms")}x wall${native.cpuMs ? `, ${ratio("cpuMs")}x cpu` : ""}`);
  if (iso.digest !== native.digest) {
    console.error(`[bench-engines] the engines disagree: ${native.findings} vs ${iso.findings} findings, or different attributions`);
    process.exitCode = 1;
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
