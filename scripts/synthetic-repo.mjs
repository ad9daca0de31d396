#!/usr/bin/env node
// Builds a large synthetic git history for benchmarks, streamed into one `git fast-import`
// (no process per commit), with Stripe keys and dotenv files planted at known commits.
//
//   node scripts/synthetic-repo.mjs [--out DIR] [--commits 30000] [--mb 1024] [--seed 1] [--force]
//
// Writes DIR/repo.git (bare) and DIR/manifest.json: the repo's shape and the findings a
// history scan must report ({commit, path, rule, fingerprint}; never a raw key). Shape:
// many small source files edited a few lines at a time, a few large files (an OpenAPI
// spec, a CSV, a minified bundle, a changelog) edited often enough to reach --mb of unique
// blob bytes, some binary assets, merged topic branches, an unmerged branch, tags.
// Blobs are emitted file by file so that fast-import deltifies each version against the
// previous one, as a repacked real repository would be.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { binaryBytes, editLines, makePools, makeRng, newLines } from "./synthetic/content.mjs";
import { makePlants } from "./synthetic/plants.mjs";
import { planHistory } from "./synthetic/plan.mjs";

const { values: opt } = parseArgs({
  options: {
    out: { type: "string", default: "bench-data/synthetic" },
    commits: { type: "string", default: "30000" },
    mb: { type: "string", default: "1024" },
    seed: { type: "string", default: "1" },
    force: { type: "boolean", default: false },
  },
});
const out = resolve(opt.out);
const nCommits = Number(opt.commits);
const targetBytes = Number(opt.mb) * 1024 * 1024;
if (!(nCommits >= 100) || !(targetBytes > 0)) {
  console.error("[synthetic-repo] --commits must be >= 100 and --mb > 0");
  process.exit(2);
}
const repo = join(out, "repo.git");
if (existsSync(repo)) {
  if (!opt.force) {
    console.error(`[synthetic-repo] ${repo} exists; pass --force to rebuild`);
    process.exit(2);
  }
  rmSync(repo, { recursive: true, force: true });
}
mkdirSync(out, { recursive: true });
const started = Date.now();
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", LC_ALL: "C" };
execFileSync("git", ["init", "-q", "--bare", "--initial-branch=main", repo], { env });

const rng = makeRng(Number(opt.seed));
const pools = makePools(rng);
const plants = makePlants(rng, pools, binaryBytes);
const lineLen = Object.fromEntries(Object.entries(pools).map(([k, p]) => [k, p.reduce((n, l) => n + l.length + 1, 0) / p.length]));
const plan = planHistory({ rng, nCommits, targetBytes, plants, lineLen });

const fi = spawn("git", ["fast-import", "--quiet", "--done", `--export-marks=${join(out, "marks")}`], { cwd: repo, env, stdio: ["pipe", "inherit", "inherit"] });
const exited = new Promise((res) => fi.on("close", res));
const write = async (data) => {
  if (!fi.stdin.write(data)) await new Promise((r) => fi.stdin.once("drain", r));
};
let blobBytes = 0;
const blob = async (mark, bytes) => {
  blobBytes += bytes.length;
  await write(`blob\nmark :${mark}\ndata ${bytes.length}\n`);
  await write(bytes);
  await write("\n");
};

// Blobs, one file's versions after another.
for (const f of plan.files) {
  if (f.kind === "fixed") {
    for (const v of f.versions) await blob(v.mark, Buffer.isBuffer(v.content) ? v.content : Buffer.from(v.content));
    continue;
  }
  if (f.kind === "binary") {
    await blob(f.versions[0].mark, binaryBytes(rng, f.size));
    continue;
  }
  const pool = pools[f.kind];
  let lines = null;
  for (const v of f.versions) {
    if (!lines) lines = newLines(rng, pool, f.size);
    else if (f.append) lines.unshift(...newLines(rng, pool, f.append));
    else editLines(rng, pool, lines, f.scale);
    await blob(v.mark, Buffer.from(lines.join("\n") + "\n"));
  }
}

// Commits and tags, in history order.
const who = (c) => `${c.author} <${c.author.toLowerCase().replace(/ /g, ".")}@example.com> ${c.time} +0000`;
for (const c of plan.commits) {
  const msg = Buffer.from(c.message + "\n");
  let s = `commit ${c.ref}\nmark :${c.mark}\nauthor ${who(c)}\ncommitter ${who(c)}\ndata ${msg.length}\n${msg}`;
  if (c.from) s += `from :${c.from}\n`;
  if (c.merge) s += `merge :${c.merge}\n`;
  for (const op of c.ops) {
    if (op.type === "M") s += `M ${op.mode ?? "100644"} :${op.mark} ${op.path}\n`;
    else if (op.type === "D") s += `D ${op.path}\n`;
    else s += `R ${op.path} ${op.to}\n`;
  }
  await write(s + "\n");
  for (const t of c.tags ?? []) {
    if (!t.message) await write(`reset refs/tags/${t.name}\nfrom :${c.mark}\n\n`);
    else {
      const m = Buffer.from(t.message);
      await write(`tag ${t.name}\nfrom :${c.mark}\ntagger ${who(c)}\ndata ${m.length}\n${m}\n`);
    }
  }
}
await write("done\n");
fi.stdin.end();
const code = await exited;
if (code !== 0) {
  console.error(`[synthetic-repo] git fast-import exited with ${code}`);
  process.exit(1);
}

// Marks -> object ids, then the manifest.
const oidOf = new Map(readFileSync(join(out, "marks"), "utf8").trim().split("\n").map((l) => {
  const [m, oid] = l.split(" ");
  return [Number(m.slice(1)), oid];
}));
const expected = plan.expected.map((e) => ({ commit: oidOf.get(e.commitMark), path: e.path, rule: e.rule, fingerprint: e.fingerprint }));
const check = execFileSync("git", ["cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize)"], { cwd: repo, env, maxBuffer: 1 << 30 }).toString();
const shape = { commits: 0, trees: 0, blobs: 0, tags: 0, blobBytes: 0 };
for (const line of check.split("\n")) {
  const [type, size] = line.split(" ");
  if (type === "blob") { shape.blobs++; shape.blobBytes += Number(size); }
  else if (type) shape[`${type}s`]++;
}
const packBytes = Number(execFileSync("du", ["-sb", join(repo, "objects")]).toString().split("\t")[0]);
const manifest = {
  version: 1,
  repo,
  seed: Number(opt.seed),
  shape: { ...shape, packBytes, branches: plan.branches, tagRefs: plan.tagCount, largestBlob: plan.largestBlob },
  generatedMs: Date.now() - started,
  expected,
};
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
rmSync(join(out, "marks"));
const mb = (n) => (n / 1048576).toFixed(0);
console.log(`[synthetic-repo] ${repo}: ${shape.commits} commits, ${shape.blobs} blobs, ${mb(shape.blobBytes)} MB of unique blob bytes (${mb(packBytes)} MB packed), ${expected.length} expected findings, ${((Date.now() - started) / 1000).toFixed(1)} s`);
