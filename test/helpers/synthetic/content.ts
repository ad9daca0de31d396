// Deterministic content for synthetic histories: pools of source-like lines and the edits
// that turn one version of a file into the next. Nothing here may produce a key marker
// (`k_live_` / `k_test_`) except the deliberate `sk_test_123` test-fixture lines, which are
// placeholders (body too short) and never findings.
import type { Rng } from "./make-rng.js";

const WORDS = ("account amount balance charge customer invoice payment refund session subscription price product " +
  "coupon discount event webhook request response client server config option value result error status retry " +
  "timeout header body param query cache store queue worker handler router context logger metric trace span " +
  "user order cart item line total currency country address email phone name description metadata created updated")
  .split(" ");
const camel = (rng: Rng, n: number): string => {
  let s = rng.pick(WORDS);
  for (let i = 1; i < n; i++) {
    const w = rng.pick(WORDS);
    s += w.charAt(0).toUpperCase() + w.slice(1);
  }
  return s;
};
const words = (rng: Rng, lo: number, hi: number): string => Array.from({ length: rng.int(lo, hi) }, () => rng.pick(WORDS)).join(" ");

function codeLine(rng: Rng): string {
  const ind = "  ".repeat(rng.int(0, 4));
  switch (rng.int(0, 9)) {
    case 0: return "";
    case 1: return `${ind}// ${words(rng, 3, 12)}`;
    case 2: return `${ind}const ${camel(rng, 2)} = await ${camel(rng, 2)}(${camel(rng, 1)}, { ${camel(rng, 1)}: ${rng.int(0, 9999)} });`;
    case 3: return `${ind}if (${camel(rng, 2)}.${camel(rng, 1)} === "${rng.pick(WORDS)}") {`;
    case 4: return `${ind}}`;
    case 5: return `${ind}return ${camel(rng, 3)}(${camel(rng, 1)});`;
    case 6: return `${ind}export function ${camel(rng, 3)}(${camel(rng, 1)}, ${camel(rng, 2)}) {`;
    case 7: return `${ind}${camel(rng, 2)}.${camel(rng, 2)} = ${camel(rng, 1)}.${camel(rng, 1)} + ${rng.int(1, 500)};`;
    default: return `${ind}throw new Error("${words(rng, 2, 7)}");`;
  }
}
function jsonLine(rng: Rng): string {
  const ind = "  ".repeat(rng.int(2, 7));
  switch (rng.int(0, 4)) {
    case 0: return `${ind}"description": "${words(rng, 5, 25)}",`;
    case 1: return `${ind}"${camel(rng, 1)}": { "type": "${rng.pick(["string", "integer", "boolean", "object"])}", "nullable": ${rng.chance(0.5)} },`;
    case 2: return `${ind}"$ref": "#/components/schemas/${camel(rng, 2)}"`;
    case 3: return `${ind}},`;
    default: return `${ind}"${camel(rng, 2)}": ${rng.int(0, 100000)},`;
  }
}
const csvLine = (rng: Rng): string => `${rng.int(1, 1e9)},${camel(rng, 2)},${rng.int(50, 999999)},${rng.pick(["usd", "eur", "gbp", "jpy"])},${1600000000 + rng.int(0, 1e8)}`;
const bundleLine = (rng: Rng): string => {
  let s = "";
  while (s.length < 2000) s += `function ${camel(rng, 1)}(e,t){return e.${camel(rng, 1)}(t,${rng.int(0, 99)})};`;
  return s;
};
const mdLine = (rng: Rng): string => (rng.chance(0.2) ? `- ${words(rng, 4, 14)}` : words(rng, 6, 20));
/** A test that talks to a local mock: stripe-node style `sk_test_123` is a placeholder, not a key. */
const testLine = (rng: Rng): string => (rng.chance(0.02) ? `  const stripe = new Stripe("sk_test_${rng.int(100, 999)}");` : codeLine(rng));

// Order matters: the pools are drawn from the PRNG in this order.
const LINE_MAKERS = { code: codeLine, test: testLine, json: jsonLine, csv: csvLine, bundle: bundleLine, md: mdLine };
export type PoolKind = keyof typeof LINE_MAKERS;
export type Pools = Record<PoolKind, string[]>;

/** Pools of ready lines per kind, so that generating a gigabyte is mostly array copies. */
export function makePools(rng: Rng, size = 20000): Pools {
  const pools: Partial<Pools> = {};
  for (const [kind, make] of Object.entries(LINE_MAKERS) as [PoolKind, (rng: Rng) => string][]) {
    pools[kind] = Array.from({ length: kind === "bundle" ? 500 : size }, () => make(rng));
  }
  return pools as Pools;
}

/** A fresh file of about `bytes` bytes. */
export function newLines(rng: Rng, pool: readonly string[], bytes: number): string[] {
  const lines: string[] = [];
  for (let n = 0; n < bytes; ) {
    const l = rng.pick(pool);
    lines.push(l);
    n += l.length + 1;
  }
  return lines;
}

/** One commit's worth of edits: replace, insert and delete a few lines at random places. */
export function editLines(rng: Rng, pool: readonly string[], lines: string[], scale: number): string[] {
  const ops = rng.int(1, 3) * scale;
  for (let i = 0; i < ops; i++) {
    const at = rng.int(0, lines.length);
    const r = rng.next();
    if (r < 0.5 && at < lines.length) lines[at] = rng.pick(pool);
    else if (r < 0.85 || lines.length < 4) lines.splice(at, 0, ...Array.from({ length: rng.int(1, 4) }, () => rng.pick(pool)));
    else lines.splice(Math.min(at, lines.length - 1), rng.int(1, 2));
  }
  return lines;
}

/** Incompressible bytes (images, archives), filled from the PRNG. */
export function binaryBytes(rng: Rng, n: number): Buffer {
  const words = new Uint32Array(Math.ceil(n / 4));
  for (let i = 0; i < words.length; i++) words[i] = rng.next() * 4294967296;
  return Buffer.from(words.buffer, 0, n);
}
