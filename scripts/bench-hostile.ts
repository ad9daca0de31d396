// Detector throughput on inputs built to be slow (issue 8, item 5), next to ordinary code.
//   npm run build && node scripts/run-ts.mjs scripts/bench-hostile.ts [--runs 5]
// Each input goes through both detectors of src/detectors (detectStripeKeys,
// detectDotenvFile) as the scan runs them, in this process, after one warm-up run; MB/s of
// input, median of the runs. The ordinary code is the compiled project (dist/, hence the
// build). Keys come from test/helpers/keys.ts at run time; none is written anywhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { detectDotenvFile, detectStripeKeys } from "../src/detectors/index.js";
import { fakeKey } from "../test/helpers/keys.js";
import { packageRoot } from "./lib/package-root.js";

const ROOT = packageRoot();
const i = process.argv.indexOf("--runs");
const RUNS = i === -1 ? 5 : Number(process.argv[i + 1]);
if (!existsSync(join(ROOT, "dist", "detectors", "index.js"))) {
  console.error("[bench-hostile] run `npm run build` first (dist/ is the ordinary code measured)");
  process.exit(2);
}
const keys = (n: number): string[] => Array.from({ length: n }, () => fakeKey());

/** The compiled project itself, about 1 MB of ordinary JavaScript, with a key every 100 KB. */
function ordinaryCode(): Buffer {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".js")) files.push(join(d, e.name));
    }
  };
  walk(join(ROOT, "dist"));
  let text = files.map((f) => readFileSync(f, "utf8")).join("\n");
  while (text.length < 1_000_000) text += text;
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += 100_000) parts.push(text.slice(at, at + 100_000), `const k = "${fakeKey()}";\n`);
  return Buffer.from(parts.join(""));
}

const inputs: [string, string, Buffer][] = [
  ["ordinary code (dist/*.js), src/app.js", "src/app.js", ordinaryCode()],
  [".env of 200,000 newlines", ".env", Buffer.from("\n".repeat(200_000) + "API_TOKEN=abcdef123456\n")],
  ["dotenv name of 900,000 characters", ".env", Buffer.from("KEY".repeat(300_000) + "\n")],
  ["one 3 MB line of 100,000 keys, dist/app.js", "dist/app.js", Buffer.from(keys(100_000).join(" "))],
  ["the same line as a .env", ".env", Buffer.from(keys(100_000).join(" "))],
  ["UTF-16LE .env, 50,000 lines with a key each", ".env", Buffer.from(keys(50_000).map((k, n) => `K${n}=${k}`).join("\r\n"), "utf16le")],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(`load average at start: ${loadavg()[0]?.toFixed(1)}; ${RUNS} runs each, after one warm-up`);
console.log("| input | size | matches | median | MB/s |");
console.log("| --- | --- | --- | --- | --- |");
for (const [name, path, bytes] of inputs) {
  const input = { path, bytes };
  let found = 0;
  const once = (): number => {
    const t = performance.now();
    found = detectStripeKeys(input).length + detectDotenvFile(input).length;
    return performance.now() - t;
  };
  once();
  const ms = median(Array.from({ length: RUNS }, once));
  const mb = bytes.length / 1e6;
  console.log(`| ${name} | ${mb.toFixed(2)} MB | ${found} | ${ms.toFixed(0)} ms | ${(mb / (ms / 1000)).toFixed(1)} |`);
}
