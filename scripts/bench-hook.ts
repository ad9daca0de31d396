// Measures what the pre-receive hook costs a pusher, with real pushes to real bare repos.
//   npm run build && node scripts/run-ts.mjs scripts/bench-hook.ts [--reps 15] [--commits 10000]
// 1. One small commit pushed over file:// to a bare repo without the hook and to one with
//    it (installed by `installHook` of src/hook/install.ts, running the built
//    dist/cli/main.js), interleaved so that both see the same machine load; medians and the
//    difference. `node -e ""` is timed in the same run as the start-up reference.
// 2. A new branch of N new commits (the `hook` preset of test/helpers/synthetic-history.ts)
//    pushed to both; the hook runs with the default config, so an accepted push means it
//    finished within the default budget (fail-closed would reject it otherwise).
// A/B of builds:  node scripts/run-ts.mjs scripts/bench-hook.ts --ab /tmp/build-a,/tmp/build-b [--reps 21]
//    Each ROOT is a built checkout (ROOT/dist/hook/install.js, whose installHook installs
//    that checkout's CLI). Every round makes one commit that changes one small file, pushes
//    it to a bare repo without the hook and to one per build (in a rotating order, so no
//    build always goes first), and times `node -e ""`; medians of wall and CPU, the hook's
//    added time, and that time in `node -e ""` start-ups.
//    --leak: the commit also adds a file holding a live-key-shaped string made at run time,
//    so that every hook rejects it (the push that needs the detectors); the clone then drops it.
import { spawnSync } from "node:child_process";
import type { SpawnSyncOptionsWithStringEncoding } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { installHook } from "../src/hook/install.js";
import { fakeKey } from "../test/helpers/keys.js";
import { synthesizeHistory } from "../test/helpers/synthetic-history.js";
import { builtCli } from "./lib/package-root.js";

/** What this benchmark needs of a built checkout's dist/hook/install.js (any version since the hook existed). */
interface BuiltInstaller {
  installHook(opts: { repo: string }): Promise<unknown>;
}

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const REPS = arg("reps", 15);
const abIndex = process.argv.indexOf("--ab");
const AB = abIndex === -1 ? null : (process.argv[abIndex + 1] ?? "").split(",").filter(Boolean);
const LEAK = process.argv.includes("--leak");
const COMMITS = arg("commits", 10000);

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "bench@example.com",
  GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null",
};
function git(cwd: string, args: string[], input?: string): string {
  const r = spawnSync("git", args, { cwd, env: ENV, input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
interface Timed {
  ms: number;
  cpu: number;
  status: number | null;
  stderr: string;
}
/** Wall time, and CPU time (user + sys of git and everything it waited for, the hook included). */
function timed(cmd: string, args: string[], opts: Omit<SpawnSyncOptionsWithStringEncoding, "encoding">): Timed {
  const [c, a] = TIME ? [TIME, ["-f", "__cpu %U %S", cmd, ...args]] : [cmd, args];
  const t = process.hrtime.bigint();
  const r = spawnSync(c, a, { env: ENV, encoding: "utf8", ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const m = /__cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? "");
  const cpu = m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN;
  return { ms, cpu, status: r.status, stderr: (r.stderr ?? "").replace(/__cpu .*\s*$/, "") };
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
if (AB) {
  await abBuilds(AB);
  process.exit(0);
}

const cli = builtCli("bench-hook");
const work = mkdtempSync(join(tmpdir(), "leakguard-bench-hook-"));
try {
  const plain = join(work, "plain.git");
  const hooked = join(work, "hooked.git");
  // Same hook with a budget it cannot hit: how long the scan takes, not whether it fits.
  const unbounded = join(work, "unbounded.git");
  for (const d of [plain, hooked, unbounded]) git(work, ["init", "-q", "--bare", "--initial-branch=main", d]);
  await installHook({ repo: hooked, cli });
  await installHook({ repo: unbounded, cli });
  writeFileSync(join(unbounded, "leakguard-hook.yml"), "timeBudgetMs: 3600000\n");
  const clone = join(work, "clone");
  git(work, ["init", "-q", "--initial-branch=main", clone]);
  git(clone, ["remote", "add", "plain", plain]);
  git(clone, ["remote", "add", "hooked", hooked]);
  git(clone, ["remote", "add", "unbounded", unbounded]);
  git(clone, ["commit", "-q", "--allow-empty", "-m", "init"]);
  git(clone, ["push", "-q", "plain", "main"]);
  git(clone, ["push", "-q", "hooked", "main"]);
  git(clone, ["push", "-q", "unbounded", "main"]);

  // 1. one small commit
  const without: number[] = [];
  const withHook: number[] = [];
  const nodeStart: number[] = [];
  const cpuWithout: number[] = [];
  const cpuWith: number[] = [];
  for (let i = 0; i < REPS; i++) {
    git(clone, ["commit", "-q", "--allow-empty", "-m", `change ${i}`]);
    const a = timed("git", ["push", "-q", "plain", "main"], { cwd: clone });
    const b = timed("git", ["push", "-q", "hooked", "main"], { cwd: clone });
    if (a.status !== 0 || b.status !== 0) throw new Error(`push failed: ${a.stderr}${b.stderr}`);
    without.push(a.ms);
    withHook.push(b.ms);
    cpuWithout.push(a.cpu);
    cpuWith.push(b.cpu);
    nodeStart.push(timed(process.execPath, ["-e", ""], {}).ms);
  }
  const mA = median(without);
  const mB = median(withHook);
  console.log(`load average at start: ${loadavg()[0]!.toFixed(1)}`);
  console.log(`one small commit, ${REPS} pushes each (median):`);
  console.log(`  git push without hook  ${fmt(mA)}`);
  console.log(`  git push with hook     ${fmt(mB)}  (x${(mB / mA).toFixed(1)})`);
  console.log(`  added by the hook      ${fmt(mB - mA)}`);
  console.log(`  node -e "" (start-up)  ${fmt(median(nodeStart))}`);
  console.log(`  CPU without / with     ${fmt(median(cpuWithout))} / ${fmt(median(cpuWith))}  (added ${fmt(median(cpuWith) - median(cpuWithout))})`);

  // 2. a new branch of many new commits, each touching one small file
  await synthesizeHistory(clone, { preset: "hook", commits: COMMITS, env: ENV });
  const a = timed("git", ["push", "-q", "plain", "big"], { cwd: clone });
  const u = timed("git", ["push", "-q", "unbounded", "big"], { cwd: clone });
  const b = timed("git", ["push", "-q", "hooked", "big"], { cwd: clone });
  if (a.status !== 0 || u.status !== 0) throw new Error(`push failed: ${a.stderr}${u.stderr}`);
  console.log(`new branch with ${COMMITS} new commits (load average now ${loadavg()[0]!.toFixed(1)}):`);
  console.log(`  git push without hook        ${fmt(a.ms)}  (CPU ${fmt(a.cpu)})`);
  console.log(`  git push with hook, no limit ${fmt(u.ms)}  (CPU ${fmt(u.cpu)}); added by the hook ${fmt(u.ms - a.ms)}`);
  console.log(`  git push with default config ${fmt(b.ms)}  ${b.status === 0 ? "accepted within the default budget" : `REJECTED: ${b.stderr.trim().split("\n")[0]}`}`);
  if (b.status !== 0) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Interleaved A/B of the one-commit push across several builds (see the header). */
async function abBuilds(roots: string[]): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "leakguard-bench-hook-ab-"));
  try {
    const plain = join(work, "plain.git");
    const repos = roots.map((_, i) => join(work, `hooked-${i}.git`));
    const clone = join(work, "clone");
    for (const d of [plain, ...repos]) git(work, ["init", "-q", "--bare", "--initial-branch=main", d]);
    for (const [i, root] of roots.entries()) {
      const install = resolve(root, "dist", "hook", "install.js");
      if (!existsSync(install)) throw new Error(`${root}: not built (no dist/hook/install.js)`);
      const built = (await import(pathToFileURL(install).href)) as BuiltInstaller;
      await built.installHook({ repo: repos[i]! });
    }
    git(work, ["init", "-q", "--initial-branch=main", clone]);
    writeFileSync(join(clone, "index.js"), "export const n = 0;\n");
    git(clone, ["add", "."]);
    git(clone, ["commit", "-q", "-m", "init"]);
    for (const d of [plain, ...repos]) git(clone, ["push", "-q", d, "main"]);
    const wall: number[][] = [[], ...roots.map(() => [])];
    const cpu: number[][] = [[], ...roots.map(() => [])];
    const nodeStart: number[] = [];
    const targets = [plain, ...repos];
    const load = loadavg()[0]!;
    for (let r = 0; r < REPS; r++) {
      writeFileSync(join(clone, "index.js"), `export const n = ${r + 1};\n`);
      if (LEAK) writeFileSync(join(clone, "pay.js"), `export const key = "${fakeKey()}";\n`);
      git(clone, ["add", "-A"]);
      git(clone, ["commit", "-q", "-m", `change ${r}`]);
      for (let k = 0; k < targets.length; k++) {
        const i = (k + r) % targets.length;
        const t = timed("git", ["push", "-q", targets[i]!, "main"], { cwd: clone });
        // With --leak every hook must reject (and the push without one accepts).
        if ((t.status !== 0) !== (LEAK && i > 0)) throw new Error(`push to ${i ? roots[i - 1] : "plain"}: unexpected status ${t.status}: ${t.stderr}`);
        wall[i]!.push(t.ms);
        cpu[i]!.push(t.cpu);
      }
      nodeStart.push(timed(process.execPath, ["-e", ""], {}).ms);
      if (LEAK) {
        // The hooked remotes never took the commit: the next round starts from what they hold.
        git(clone, ["reset", "-q", "--hard", "HEAD^"]);
        git(clone, ["push", "-q", "-f", plain, "main"]);
      }
    }
    const n0 = median(nodeStart);
    console.log(`load average ${load.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end; ${REPS} rounds; one commit changing one file${LEAK ? " and adding one with a key (rejected)" : ""}`);
    console.log(`node -e "": ${fmt(n0)}`);
    console.log(`push without hook: wall ${fmt(median(wall[0]!))}, CPU ${fmt(median(cpu[0]!))}`);
    for (const [i, root] of roots.entries()) {
      const added = median(wall[i + 1]!) - median(wall[0]!);
      const addedCpu = median(cpu[i + 1]!) - median(cpu[0]!);
      console.log(`${root}: wall ${fmt(median(wall[i + 1]!))}, CPU ${fmt(median(cpu[i + 1]!))}; added ${fmt(added)} (${(added / n0).toFixed(2)} x node -e ""), CPU added ${fmt(addedCpu)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
