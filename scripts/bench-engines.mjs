#!/usr/bin/env node
// Times a full-history scan with the native engine and with the isomorphic engine on the
// same synthetic repository, in the same run, and prints the ratio.
//
//   npm run build && node scripts/bench-engines.mjs [--commits 3000] [--runs 1] [--keep DIR]
//
// The repository is built with `git fast-import` (a few thousand commits over a couple of
// thousand files, some merges, keys planted at known commits) and packed with `git gc`,
// as a real clone would be. Each scan runs in its own child process so that its peak
// memory (maxRSS) is its own, under GNU time when present for its CPU seconds (the scan
// and the git processes it starts): on a busy machine CPU time is the steadier figure.

import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};

if (args[0] === "--child") {
  // One scan, in a fresh process: prints {ms, digest, findings, commits, blobs, bytes, maxRssMb}.
  const [, engineName, dir] = args;
  const { scanHistory } = await import(join(root, "dist/findings/scan-history.js"));
  const { openEngine } = await import(join(root, "dist/git/open-engine.js"));
  const engine = await openEngine(dir, engineName);
  const started = performance.now();
  const { findings, stats } = await scanHistory({ engine, selection: { all: true } });
  const ms = performance.now() - started;
  // A digest of the whole findings list: the engines must agree on every attribution too.
  const digest = createHash("sha256").update(JSON.stringify(findings)).digest("hex");
  process.stdout.write(JSON.stringify({ ms, digest, findings: findings.length, commits: stats.commits, blobs: stats.blobs, bytes: stats.bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

if (!existsSync(join(root, "dist/git/isomorphic/engine.js"))) {
  console.error("[leakguard] run `npm run build` first (the benchmark runs the built engines)");
  process.exit(2);
}

const COMMITS = Number(opt("commits", "3000"));
const FILES = 2000;
const KEY_EVERY = 500; // a key lands in one commit out of this many
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function fakeKey() {
  // Built at run time: the prefix is split so that this file holds no key-shaped text.
  const body = [...randomBytes(24)].map((b) => BASE62[b % 62]).join("");
  return "sk_" + "live_" + "aZ9" + body.slice(3);
}

// Random text to draw from: one buffer, sliced at random places (cheaper than a call per line).
const POOL = randomBytes(1 << 20).toString("base64");

/** Source-like text of about `size` bytes, unique per call (so every blob is new). */
function content(size, salt) {
  const lines = [];
  let n = 0;
  while (n < size) {
    const at = Math.floor(Math.random() * (POOL.length - 32));
    const line = `export const v${salt}_${lines.length} = "${POOL.slice(at, at + 32)}"; // ${salt}`;
    lines.push(line);
    n += line.length + 1;
  }
  return lines.join("\n") + "\n";
}

function buildRepo(dir) {
  execFileSync("git", ["init", "-q", "--initial-branch=main", dir]);
  const chunks = [];
  const data = (s) => {
    const b = Buffer.from(s);
    chunks.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from("\n"));
  };
  const path = (i) => `src/mod${i % 40}/file${i}.ts`;
  let mark = 0;
  let planted = 0;
  let sideTip = 0;
  let mainTip = 0;
  for (let c = 1; c <= COMMITS; c++) {
    const onSide = c % 100 >= 90; // ten commits out of each hundred go to a side branch
    const ref = onSide ? "refs/heads/side" : "refs/heads/main";
    chunks.push(Buffer.from(`commit ${ref}\nmark :${++mark}\ncommitter Bench <bench@example.com> ${1600000000 + c * 60} +0000\n`));
    data(`change ${c}\n`);
    if (c === 1) {
      for (let i = 0; i < FILES; i++) {
        chunks.push(Buffer.from(`M 100644 inline ${path(i)}\n`));
        data(content(2000 + (i % 7) * 1000, `f${i}`));
      }
    } else {
      if (onSide && c % 100 === 90) chunks.push(Buffer.from(`from :${mainTip}\n`));
      if (!onSide && c % 100 === 0 && sideTip) chunks.push(Buffer.from(`merge :${sideTip}\n`));
      for (let k = 0; k < 4; k++) {
        const i = (c * 7 + k * 613) % FILES;
        chunks.push(Buffer.from(`M 100644 inline ${path(i)}\n`));
        const planting = k === 0 && c % KEY_EVERY === 0;
        if (planting) planted++;
        data(content(2000 + (i % 7) * 1000, `c${c}k${k}`) + (planting ? `const stripe = "${fakeKey()}";\n` : ""));
      }
    }
    if (onSide) sideTip = mark;
    else mainTip = mark;
  }
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
  execFileSync("git", ["gc", "-q"], { cwd: dir });
  return planted;
}

const TIME = "/usr/bin/time"; // GNU time: CPU seconds of the scan and every git it starts

function scan(engine, dir) {
  const cmd = [process.execPath, fileURLToPath(import.meta.url), "--child", engine, dir];
  const timeFile = join(tmpdir(), `leakguard-bench-time-${process.pid}`);
  const timed = existsSync(TIME);
  const res = timed
    ? spawnSync(TIME, ["-f", "%U %S", "-o", timeFile, ...cmd], { encoding: "utf8", maxBuffer: 1 << 26 })
    : spawnSync(cmd[0], cmd.slice(1), { encoding: "utf8", maxBuffer: 1 << 26 });
  if (res.status !== 0) throw new Error(`${engine} scan failed: ${res.stderr}`);
  const out = JSON.parse(res.stdout);
  if (timed) {
    const [user, sys] = readFileSync(timeFile, "utf8").trim().split("\n").at(-1).split(" ").map(Number);
    out.cpuMs = (user + sys) * 1000;
    rmSync(timeFile, { force: true });
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const keep = opt("keep", null);
const dir = keep ?? mkdtempSync(join(tmpdir(), "leakguard-bench-engines-"));
try {
  if (!existsSync(join(dir, "HEAD")) && !existsSync(join(dir, ".git"))) {
    const t = performance.now();
    const planted = buildRepo(dir);
    console.log(`built ${COMMITS} commits, ${FILES} files, ${planted} planted keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const packBytes = execFileSync("git", ["count-objects", "-v"], { cwd: dir, encoding: "utf8" });
  console.log(packBytes.split("\n").filter((l) => /^(count|size-pack|in-pack)/.test(l)).join(", "));
  const runs = Number(opt("runs", "1"));
  const results = { native: [], isomorphic: [] };
  for (let i = 0; i < runs; i++) for (const engine of ["native", "isomorphic"]) results[engine].push(scan(engine, dir));
  const row = (name, r) =>
    `${name.padEnd(11)} ${(r.ms / 1000).toFixed(2).padStart(7)} s wall  ${r.cpuMs ? `${(r.cpuMs / 1000).toFixed(2).padStart(7)} s cpu  ` : ""}${String(r.commits).padStart(6)} commits  ${String(r.blobs).padStart(6)} blobs  ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB  ${String(r.findings).padStart(3)} findings  peak RSS ${r.maxRssMb.toFixed(0)} MB`;
  for (let i = 0; i < runs; i++) {
    console.log(row("native", results.native[i]));
    console.log(row("isomorphic", results.isomorphic[i]));
  }
  const ratio = (key) => median(results.isomorphic.map((r, i) => r[key] / results.native[i][key])).toFixed(1);
  console.log(`isomorphic / native (median of ${runs}): ${ratio("ms")}x wall${results.native[0].cpuMs ? `, ${ratio("cpuMs")}x cpu` : ""}`);
  const [native, iso] = [results.native[0], results.isomorphic[0]];
  if (iso.digest !== native.digest) {
    console.error(`[leakguard] the engines disagree: ${native.findings} vs ${iso.findings} findings, or different attributions`);
    process.exitCode = 1;
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
