// Measures what the GitHub REST double costs the app's tests, as ratios within one run:
//  1. loading GitHub's OpenAPI description: first load (no cache) vs a load from the slimmed cache;
//  2. per request: the double (spec matching + request and response validation) vs the double
//     without response validation vs a bare node:http server sending the same JSON.
// Usage: node scripts/run-ts.mjs scripts/bench-github-double.ts [requests=400]
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { makeTestApp, startGitHubDouble } from "../test/helpers/github-double/index.js";
import { loadSpec } from "../test/helpers/github-double/load-spec.js";
import { packageRoot } from "./lib/package-root.js";

// Where test/helpers/github-double/read-spec-document.ts caches the slimmed description.
const cacheDir = join(packageRoot(), "node_modules", ".cache", "leakguard-github-double");
const N = Number(process.argv[2] ?? 400);

if (process.argv[2] === "--load-once") {
  // Child mode: one fresh process, one spec load, print milliseconds.
  const t = performance.now();
  loadSpec();
  console.log((performance.now() - t).toFixed(1));
  process.exit(0);
}

// The module node runs now (run-ts's bundle): the child runs the same one.
const self = process.argv[1] ?? "";
const loadMs = (fresh: boolean): number => {
  if (fresh) rmSync(cacheDir, { recursive: true, force: true });
  return Number(execFileSync(process.execPath, [self, "--load-once"], { encoding: "utf8" }).trim());
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const cold = median([loadMs(true), loadMs(true), loadMs(true)]);
loadMs(false);
const warm = median([loadMs(false), loadMs(false), loadMs(false)]);

const app = makeTestApp();

async function timeRequests(url: string, headers: Record<string, string>): Promise<number> {
  await fetch(url, { headers }).then((r) => r.arrayBuffer()); // warm-up: compiles validators
  const t = performance.now();
  for (let i = 0; i < N; i++) await fetch(url, { headers }).then((r) => r.arrayBuffer());
  return (performance.now() - t) / N;
}

async function doubleRun(validateResponses: boolean): Promise<{ ms: number; body: string }> {
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
await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
const bareMs = await timeRequests(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/repos/acme/shop`, {});
bare.close();

const f = (x: number): string => x.toFixed(2);
console.log(`spec load: first (no cache) ${cold.toFixed(0)} ms, from cache ${warm.toFixed(0)} ms -> cache is ${f(cold / warm)}x faster`);
console.log(`GET /repos/{owner}/{repo}, ${N} sequential requests, mean per request:`);
console.log(`  bare node:http server          ${f(bareMs)} ms (1.00)`);
console.log(`  double, no response validation ${f(unvalidated.ms)} ms (${f(unvalidated.ms / bareMs)}x)`);
console.log(`  double, full validation        ${f(validated.ms)} ms (${f(validated.ms / bareMs)}x)`);
