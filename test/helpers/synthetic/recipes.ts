// The plain synthetic histories, each the shape one benchmark or test was written for. Keys
// come from test/helpers/keys.ts at run time; everything else from the seeded PRNG.
import { fakeKey } from "../keys.js";
import { binaryBytes } from "./content.js";
import type { Rng } from "./make-rng.js";
import type { FastImport } from "./open-fast-import.js";

export interface Planted {
  /** Every key written, in history order (never printed: a benchmark's oracle only). */
  keys: string[];
  dotenv: string[];
}

/**
 * The scrub benchmark's history: one branch, 5 files changed per commit among `files`, a live
 * key every 100 commits, a .env file (and the last key in the message) every 500, an
 * annotated tag every 1000.
 */
export async function writeLinear(fi: FastImport, rng: Rng, commits: number, files: number): Promise<Planted> {
  const keys: string[] = [];
  const dotenv: string[] = [];
  let mark = 0;
  let last = 0;
  const line = (i: number, n: number): string => `${i.toString(36)} ${"lorem ipsum dolor sit amet ".repeat(3)}${n}\n`;
  for (let c = 1; c <= commits; c++) {
    const ops = [];
    for (let k = 0; k < 5; k++) {
      const f = rng.int(0, files - 1);
      let text = Array.from({ length: 40 }, (_, i) => line(i, c * 7 + k)).join("");
      if (c % 100 === 0 && k === 0) {
        const key = fakeKey();
        keys.push(key);
        text += `const stripe = require("stripe")("${key}");\n`;
      }
      await fi.blob(++mark, text);
      ops.push({ type: "M" as const, path: `src/d${f % 100}/f${f}.js`, mark });
    }
    let message = `change ${c}`;
    const lastKey = keys.at(-1);
    if (c % 500 === 0 && lastKey) {
      const path = `svc${c}/.env`;
      dotenv.push(path);
      await fi.blob(++mark, `STRIPE_SECRET_KEY=${lastKey}\n`);
      ops.push({ type: "M" as const, path, mark });
      message += ` (debug with ${lastKey})`;
    }
    const who = `Dev <dev@shop.test> ${1_600_000_000 + c * 60} +0000`;
    await fi.commit({ ref: "refs/heads/main", mark: ++mark, committer: who, message: message + "\n", ...(last ? { from: last } : {}), ops });
    last = mark;
    if (c % 1000 === 0) await fi.tag(`v${c / 1000}`, last, who, "release\n");
  }
  return { keys, dotenv };
}

/**
 * The engines benchmark's history: `files` source files in the root commit, then 4 edits per
 * commit; ten commits of each hundred on a side branch cut from main and merged back; a live
 * key in one commit of each 500.
 */
export async function writeSideBranch(fi: FastImport, rng: Rng, commits: number, files: number): Promise<Planted> {
  // Random text to draw from: one buffer, sliced at random places (cheaper than a call per line).
  const pool = binaryBytes(rng, 1 << 20).toString("base64");
  /** Source-like text of about `size` bytes, unique per call (so every blob is new). */
  const content = (size: number, salt: string): string => {
    const lines: string[] = [];
    for (let n = 0; n < size; ) {
      const at = Math.floor(rng.next() * (pool.length - 32));
      const line = `export const v${salt}_${lines.length} = "${pool.slice(at, at + 32)}"; // ${salt}`;
      lines.push(line);
      n += line.length + 1;
    }
    return lines.join("\n") + "\n";
  };
  const path = (i: number): string => `src/mod${i % 40}/file${i}.ts`;
  const keys: string[] = [];
  let mark = 0;
  let sideTip = 0;
  let mainTip = 0;
  for (let c = 1; c <= commits; c++) {
    const onSide = c % 100 >= 90;
    const ops = [];
    const edits = c === 1 ? Array.from({ length: files }, (_, i) => i) : [0, 1, 2, 3].map((k) => (c * 7 + k * 613) % files);
    for (const [k, i] of edits.entries()) {
      let text = content(2000 + (i % 7) * 1000, c === 1 ? `f${i}` : `c${c}k${k}`);
      if (c > 1 && k === 0 && c % 500 === 0) {
        const key = fakeKey();
        keys.push(key);
        text += `const stripe = "${key}";\n`;
      }
      await fi.blob(++mark, text);
      ops.push({ type: "M" as const, path: path(i), mark });
    }
    const from = c > 1 && onSide && c % 100 === 90 ? { from: mainTip } : {};
    const merge = c > 1 && !onSide && c % 100 === 0 && sideTip ? { merge: sideTip } : {};
    const committer = `Bench <bench@example.com> ${1600000000 + c * 60} +0000`;
    await fi.commit({ ref: onSide ? "refs/heads/side" : "refs/heads/main", mark: ++mark, committer, message: `change ${c}\n`, ...from, ...merge, ops });
    if (onSide) sideTip = mark;
    else mainTip = mark;
  }
  return { keys, dotenv: [] };
}

/** The hook benchmark's push: `refs/heads/big`, `commits` new commits on top of refs/heads/main, one small file each. */
export async function writeChain(fi: FastImport, commits: number): Promise<Planted> {
  for (let i = 1; i <= commits; i++) {
    await fi.blob(commits + i, `line ${i}\nconst value${i} = process.env.VALUE_${i % 97};\n`);
    await fi.commit({
      ref: "refs/heads/big",
      mark: i,
      committer: `Bench <bench@example.com> ${1700000000 + i} +0000`,
      message: `commit ${i}\n`,
      from: i === 1 ? "refs/heads/main" : i - 1,
      ops: [{ type: "M", path: `src/file${i % 500}.js`, mark: commits + i }],
    });
  }
  return { keys: [], dotenv: [] };
}

/** The progress test's history: `commits` commits of `files` fresh 2 KB files each, a test key in every 40th. */
export async function writeBusy(fi: FastImport, rng: Rng, commits: number, files: number): Promise<Planted> {
  const keys: string[] = [];
  let mark = 0;
  for (let c = 0; c < commits; c++) {
    const ops = [];
    for (let f = 0; f < files; f++) {
      let body = binaryBytes(rng, 1500).toString("base64");
      if (c % 40 === 0 && f === 0) {
        const key = fakeKey("sk", "test");
        keys.push(key);
        body += `\nk = "${key}"\n`;
      } else body += "\n";
      await fi.blob(++mark, body);
      ops.push({ type: "M" as const, path: `dir${f}/file${c % 50}.txt`, mark });
    }
    await fi.commit({ ref: "refs/heads/main", committer: `Ada <ada@example.com> ${1700000000 + c} +0000`, message: `c${c % 10}\n\n`, ops });
  }
  return { keys, dotenv: [] };
}
