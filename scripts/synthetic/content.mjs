// Deterministic content for the synthetic history: a seeded PRNG, pools of source-like
// lines, and the edits that turn one version of a file into the next. Nothing here may
// produce a key marker (`k_live_` / `k_test_`) except the deliberate `sk_test_123`
// test-fixture lines, which are placeholders (body too short) and never findings.

/** sfc32: small, fast, seedable; quality is plenty for shaping test data. */
export function makeRng(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    /** Log-normal-ish size: median `m`, long tail, clamped. */
    size: (m, lo, hi) => Math.max(lo, Math.min(hi, Math.round(m * Math.exp((next() + next() + next() - 1.5) * 1.6)))),
  };
  return rng;
}

const WORDS = ("account amount balance charge customer invoice payment refund session subscription price product " +
  "coupon discount event webhook request response client server config option value result error status retry " +
  "timeout header body param query cache store queue worker handler router context logger metric trace span " +
  "user order cart item line total currency country address email phone name description metadata created updated")
  .split(" ");
const camel = (rng, n) => {
  let s = rng.pick(WORDS);
  for (let i = 1; i < n; i++) { const w = rng.pick(WORDS); s += w[0].toUpperCase() + w.slice(1); }
  return s;
};

function codeLine(rng) {
  const ind = "  ".repeat(rng.int(0, 4));
  switch (rng.int(0, 9)) {
    case 0: return "";
    case 1: return `${ind}// ${Array.from({ length: rng.int(3, 12) }, () => rng.pick(WORDS)).join(" ")}`;
    case 2: return `${ind}const ${camel(rng, 2)} = await ${camel(rng, 2)}(${camel(rng, 1)}, { ${camel(rng, 1)}: ${rng.int(0, 9999)} });`;
    case 3: return `${ind}if (${camel(rng, 2)}.${camel(rng, 1)} === "${rng.pick(WORDS)}") {`;
    case 4: return `${ind}}`;
    case 5: return `${ind}return ${camel(rng, 3)}(${camel(rng, 1)});`;
    case 6: return `${ind}export function ${camel(rng, 3)}(${camel(rng, 1)}, ${camel(rng, 2)}) {`;
    case 7: return `${ind}${camel(rng, 2)}.${camel(rng, 2)} = ${camel(rng, 1)}.${camel(rng, 1)} + ${rng.int(1, 500)};`;
    default: return `${ind}throw new Error("${Array.from({ length: rng.int(2, 7) }, () => rng.pick(WORDS)).join(" ")}");`;
  }
}
function jsonLine(rng) {
  const ind = "  ".repeat(rng.int(2, 7));
  switch (rng.int(0, 4)) {
    case 0: return `${ind}"description": "${Array.from({ length: rng.int(5, 25) }, () => rng.pick(WORDS)).join(" ")}",`;
    case 1: return `${ind}"${camel(rng, 1)}": { "type": "${rng.pick(["string", "integer", "boolean", "object"])}", "nullable": ${rng.chance(0.5)} },`;
    case 2: return `${ind}"$ref": "#/components/schemas/${camel(rng, 2)}"`;
    case 3: return `${ind}},`;
    default: return `${ind}"${camel(rng, 2)}": ${rng.int(0, 100000)},`;
  }
}
const csvLine = (rng) => `${rng.int(1, 1e9)},${camel(rng, 2)},${rng.int(50, 999999)},${rng.pick(["usd", "eur", "gbp", "jpy"])},${1600000000 + rng.int(0, 1e8)}`;
const bundleLine = (rng) => { let s = ""; while (s.length < 2000) s += `function ${camel(rng, 1)}(e,t){return e.${camel(rng, 1)}(t,${rng.int(0, 99)})};`; return s; };
const mdLine = (rng) => (rng.chance(0.2) ? `- ${Array.from({ length: rng.int(4, 14) }, () => rng.pick(WORDS)).join(" ")}` : Array.from({ length: rng.int(6, 20) }, () => rng.pick(WORDS)).join(" "));
/** A test that talks to a local mock: stripe-node style `sk_test_123` is a placeholder, not a key. */
const testLine = (rng) => (rng.chance(0.02) ? `  const stripe = new Stripe("sk_test_${rng.int(100, 999)}");` : codeLine(rng));

export const LINE_MAKERS = { code: codeLine, test: testLine, json: jsonLine, csv: csvLine, bundle: bundleLine, md: mdLine };

/** Pools of ready lines per kind, so that generating a gigabyte is mostly array copies. */
export function makePools(rng, size = 20000) {
  const pools = {};
  for (const [kind, make] of Object.entries(LINE_MAKERS)) {
    pools[kind] = Array.from({ length: kind === "bundle" ? 500 : size }, () => make(rng));
  }
  return pools;
}

/** A fresh file of about `bytes` bytes. */
export function newLines(rng, pool, bytes) {
  const lines = [];
  for (let n = 0; n < bytes; ) { const l = rng.pick(pool); lines.push(l); n += l.length + 1; }
  return lines;
}

/** One commit's worth of edits: replace, insert and delete a few lines at random places. */
export function editLines(rng, pool, lines, scale) {
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
export function binaryBytes(rng, n) {
  const words = new Uint32Array(Math.ceil(n / 4));
  for (let i = 0; i < words.length; i++) words[i] = rng.next() * 4294967296;
  return Buffer.from(words.buffer, 0, n);
}
