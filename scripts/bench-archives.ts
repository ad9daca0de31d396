// Throughput of archive scanning (issue 10): a repository of N .jar files (real zip
// files written by the `zip` binary, deflated members of class-file-like and properties
// text), one key planted in one member of one jar; times the built CLI's
// `leakguard scan --history` and reports MB/s of expanded member bytes.
//
//   npm run build && node scripts/run-ts.mjs scripts/bench-archives.ts [--jars 300] [--members 40] [--runs 3]
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fakeKey } from "../test/helpers/keys.js";
import { builtCli } from "./lib/package-root.js";

const { values: opt } = parseArgs({ options: { jars: { type: "string", default: "300" }, members: { type: "string", default: "40" }, runs: { type: "string", default: "3" } } });
const nJars = Number(opt.jars);
const nMembers = Number(opt.members);
const cli = builtCli("bench-archives");
const root = mkdtempSync(join(tmpdir(), "leakguard-bench-archives-"));
const repo = join(root, "repo");
const env = { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@x", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@x", GIT_CONFIG_GLOBAL: "/dev/null" };
execFileSync("git", ["init", "-q", repo], { env });
mkdirSync(join(repo, "lib"), { recursive: true });
let expanded = 0;
for (let j = 0; j < nJars; j++) {
  const dir = join(root, `jar${j}`);
  mkdirSync(join(dir, "com/example", `p${j}`), { recursive: true });
  for (let m = 0; m < nMembers; m++) {
    // Compressible like real class files: a constant pool of identifiers and some noise.
    const text = Buffer.concat([Buffer.from([0xca, 0xfe, 0xba, 0xbe]), Buffer.from(`Ljava/lang/String;com/example/p${j}/C${m}(I)V`.repeat(120)), randomBytes(2048)]);
    writeFileSync(join(dir, `com/example/p${j}/C${m}.class`), text);
    expanded += text.length;
  }
  const props = j === Math.floor(nJars / 2) ? `stripe.key=${fakeKey()}\n` : "log.level=info\n";
  writeFileSync(join(dir, "app.properties"), props);
  expanded += props.length;
  execFileSync("zip", ["-qr", join(repo, `lib/mod${j}.jar`), "."], { cwd: dir, env, stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
execFileSync("git", ["add", "-A"], { cwd: repo, env });
execFileSync("git", ["commit", "-qm", "jars"], { cwd: repo, env });
execFileSync("git", ["gc", "-q"], { cwd: repo, env });
const times: number[] = [];
for (let r = 0; r < Number(opt.runs); r++) {
  const t = performance.now();
  const res = spawnSync(process.execPath, [cli, "scan", "--history", "--format", "json", repo], { encoding: "utf8", maxBuffer: 1 << 28 });
  times.push((performance.now() - t) / 1000);
  const out = JSON.parse(res.stdout) as { findings: { member?: string }[] };
  if (out.findings.length !== 1 || !out.findings[0]?.member) throw new Error(`expected the one planted key in a member, got ${out.findings.length}`);
}
times.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)] ?? NaN;
console.log(`[bench-archives] ${nJars} jars x ${nMembers + 1} members, ${(expanded / 1e6).toFixed(1)} MB expanded; scan median ${med.toFixed(2)} s => ${(expanded / 1e6 / med).toFixed(1)} MB/s expanded (node startup included); the planted key found in its member`);
rmSync(root, { recursive: true, force: true });
