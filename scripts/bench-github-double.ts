#!/usr/bin/env node
// Measures what the GitHub REST double costs the app's tests, as ratios within one run:
//  1. loading GitHub's OpenAPI description: first load (no cache) vs a load from the slimmed cache;
//  2. per request: the double (spec matching + request and response validation) vs the double
//     without response validation vs a bare node:http server sending the same JSON.
// Usage: node scripts/bench-github-double.mjs [requests=400]
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "node_modules", ".cache", "bench-github-double");
const cacheDir = join(root, "node_modules", ".cache", "leakguard-github-double");
const N = Number(process.argv[2] ?? 400);

if (process.argv[2] === "--load-once") {
  // Child mode: one fresh process, one spec load, print milliseconds.
  const { loadSpec } = await import(pathToFileURL(join(out, "load-spec.js")).href);
  const t = performance.now();
  loadSpec();
  console.log((performance.now() - t).toFixed(1));
  process.exit(0);
}

// The helper is TypeScript; compile it (and only it) next to node_modules so imports resolve.
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--outDir", out, "--rootDir", join(root, "test/helpers/github-double"),
  "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", "--skipLibCheck", "--strict", "--noCheck", "--types", "node",
  ...["index", "load-spec"].map((f) => join(root, `test/helpers/github-double/${f}.ts`))], { stdio: "inherit" });

const loadMs = (fresh) => {
  if (fresh) rmSync(cacheDir, { recursive: true, force: true });
  return Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--load-once"], { encoding: "utf8" }).trim());
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cold = median([loadMs(true), loadMs(true), loadMs(true)]);
loadMs(false);
const warm = median([loadMs(false), loadMs(false), loadMs(false)]);

const { startGitHubDouble, makeTestApp } = await import(pathToFileURL(join(out, "index.js")).href);
const app = makeTestApp();

async function timeRequests(url, headers) {
  await fetch(url, { headers }).then((r) => r.arrayBuffer()); // warm-up: compiles validators
  const t = performance.now();
  for (let i = 0; i < N; i++) await fetch(url, { headers }).then((r) => r.arrayBuffer());
  return (performance.now() - t) / N;
}

async function doubleRun(validateResponses) {
  const gh = await startGitHubDouble({ app, validateResponses });
  const inst = gh.state.addInstallation({ account: "acme" });
  gh.state.addRepo({ owner: "acme", name: "shop" });
  gh.state.tokens.set("ghs_bench", { token: "ghs_bench", installationId: inst.id, expiresAt: Date.now() + 3_600_000, permissions: { metadata: "read" }, repositoryIds: null });
  const url = `${gh.url}/repos/acme/shop`;
  const headers = { authorization: "token ghs_bench", accept: "application/vnd.github+json" };
  const body = await fetch(url, { headers }).then((r) => r.text());
  const ms = await timeRequests(url, headers);
  gh.expectNoViolations();
  await gh.close();
  return { ms, body };
}

const validated = await doubleRun(true);
const unvalidated = await doubleRun(false);
const bare = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(validated.body));
await new Promise((r) => bare.listen(0, "127.0.0.1", r));
const bareMs = await timeRequests(`http://127.0.0.1:${bare.address().port}/repos/acme/shop`, {});
bare.close();

const f = (x) => x.toFixed(2);
console.log(`spec load: first (no cache) ${cold.toFixed(0)} ms, from cache ${warm.toFixed(0)} ms -> cache is ${f(cold / warm)}x faster`);
console.log(`GET /repos/{owner}/{repo}, ${N} sequential requests, mean per request:`);
console.log(`  bare node:http server          ${f(bareMs)} ms (1.00)`);
console.log(`  double, no response validation ${f(unvalidated.ms)} ms (${f(unvalidated.ms / bareMs)}x)`);
console.log(`  double, full validation        ${f(validated.ms)} ms (${f(validated.ms / bareMs)}x)`);
