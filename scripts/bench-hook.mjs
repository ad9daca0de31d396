#!/usr/bin/env node
// Measures what the pre-receive hook costs a pusher, with real pushes to real bare repos.
//   npm run build && node scripts/bench-hook.mjs [--reps 15] [--commits 10000]
// 1. One small commit pushed over file:// to a bare repo without the hook and to one with
//    it (installed by `installHook`, through hooks/pre-receive and dist/cli/main.js),
//    interleaved so that both see the same machine load; medians and the difference.
//    `node -e ""` is timed in the same run as the start-up reference.
// 2. A new branch of N new commits (built with git fast-import) pushed to both; the hook
//    runs with the default config, so an accepted push means it finished within the
//    default budget (fail-closed would reject it otherwise).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const REPS = arg("reps", 15);
const COMMITS = arg("commits", 10000);

if (!existsSync(join(ROOT, "dist", "hook", "install.js"))) {
  console.error("[bench-hook] run `npm run build` first");
  process.exit(2);
}
const { installHook } = await import(join(ROOT, "dist", "hook", "install.js"));

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "bench@example.com",
  GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null",
};
function git(cwd, args, input) {
  const r = spawnSync("git", args, { cwd, env: ENV, input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}
function timed(cmd, args, opts) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: ENV, encoding: "utf8", ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, status: r.status, stderr: r.stderr };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const work = mkdtempSync(join(tmpdir(), "leakguard-bench-hook-"));
try {
  const plain = join(work, "plain.git");
  const hooked = join(work, "hooked.git");
  for (const d of [plain, hooked]) git(work, ["init", "-q", "--bare", "--initial-branch=main", d]);
  await installHook({ repo: hooked });
  const clone = join(work, "clone");
  git(work, ["init", "-q", "--initial-branch=main", clone]);
  git(clone, ["remote", "add", "plain", plain]);
  git(clone, ["remote", "add", "hooked", hooked]);
  git(clone, ["commit", "-q", "--allow-empty", "-m", "init"]);
  git(clone, ["push", "-q", "plain", "main"]);
  git(clone, ["push", "-q", "hooked", "main"]);

  // 1. one small commit
  const without = [];
  const withHook = [];
  const nodeStart = [];
  for (let i = 0; i < REPS; i++) {
    git(clone, ["commit", "-q", "--allow-empty", "-m", `change ${i}`]);
    const a = timed("git", ["push", "-q", "plain", "main"], { cwd: clone });
    const b = timed("git", ["push", "-q", "hooked", "main"], { cwd: clone });
    if (a.status !== 0 || b.status !== 0) throw new Error(`push failed: ${a.stderr}${b.stderr}`);
    without.push(a.ms);
    withHook.push(b.ms);
    nodeStart.push(timed(process.execPath, ["-e", ""], {}).ms);
  }
  const mA = median(without);
  const mB = median(withHook);
  console.log(`one small commit, ${REPS} pushes each (median):`);
  console.log(`  git push without hook  ${fmt(mA)}`);
  console.log(`  git push with hook     ${fmt(mB)}  (x${(mB / mA).toFixed(1)})`);
  console.log(`  added by the hook      ${fmt(mB - mA)}`);
  console.log(`  node -e "" (start-up)  ${fmt(median(nodeStart))}`);

  // 2. a new branch of many new commits, each touching one small file
  const lines = [];
  for (let i = 1; i <= COMMITS; i++) {
    const body = `line ${i}\nconst value${i} = process.env.VALUE_${i % 97};\n`;
    const msg = `commit ${i}\n`;
    lines.push(
      `commit refs/heads/big`,
      `mark :${i}`,
      `committer Bench <bench@example.com> ${1700000000 + i} +0000`,
      `data ${Buffer.byteLength(msg)}`, msg.trimEnd(),
      i === 1 ? `from refs/heads/main` : `from :${i - 1}`,
      `M 100644 inline src/file${i % 500}.js`,
      `data ${Buffer.byteLength(body)}`, body.trimEnd(),
      "",
    );
  }
  git(clone, ["fast-import", "--quiet"], lines.join("\n") + "\n");
  const a = timed("git", ["push", "-q", "plain", "big"], { cwd: clone });
  const b = timed("git", ["push", "-q", "hooked", "big"], { cwd: clone });
  if (a.status !== 0) throw new Error(`push failed: ${a.stderr}`);
  console.log(`new branch with ${COMMITS} new commits:`);
  console.log(`  git push without hook  ${fmt(a.ms)}`);
  console.log(`  git push with hook     ${fmt(b.ms)}  ${b.status === 0 ? "accepted within the default budget" : `REJECTED: ${b.stderr.trim()}`}`);
  console.log(`  added by the hook      ${fmt(b.ms - a.ms)}`);
  if (b.status !== 0) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
