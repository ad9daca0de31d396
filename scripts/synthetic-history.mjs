#!/usr/bin/env node
// A large synthetic history for the scrub benchmark, written straight into `git fast-import`:
// one branch, 5 files changed per commit, a live key planted every 100 commits, a .env file
// (and a key in the message) every 500, an annotated tag every 1000. Keys are generated now.
//
//   node scripts/synthetic-history.mjs DIR [--commits N] [--files N]
import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const rand = (n) => Array.from({ length: n }, () => B62[randomInt(62)]).join("");
// Built here, never committed: prefix + "aZ9" (mixed case and a digit) + random body.
const makeKey = () => "sk_" + "live_" + "aZ9" + rand(21);

/** A linear history with merges every 250 commits, keys and .env files planted at intervals. */
export function synthesize(dir, { commits = 5000, files = 2000, env = process.env } = {}) {
  execFileSync("git", ["init", "-q", "--bare", dir], { env });
  const keys = [];
  const dotenv = new Set();
  const chunks = [];
  let mark = 0;
  let last = 0;
  const blob = (text) => {
    const data = Buffer.from(text);
    chunks.push(Buffer.from(`blob\nmark :${++mark}\ndata ${data.length}\n`), data, Buffer.from("\n"));
    return mark;
  };
  const line = (i, n) => `${i.toString(36)} ${"lorem ipsum dolor sit amet ".repeat(3)}${n}\n`;
  for (let c = 1; c <= commits; c++) {
    const changes = [];
    for (let k = 0; k < 5; k++) {
      const f = randomInt(files);
      let text = Array.from({ length: 40 }, (_, i) => line(i, c * 7 + k)).join("");
      if (c % 100 === 0 && k === 0) {
        const key = makeKey();
        keys.push(key);
        text += `const stripe = require("stripe")("${key}");\n`;
      }
      changes.push(`M 100644 :${blob(text)} src/d${f % 100}/f${f}.js`);
    }
    let message = `change ${c}`;
    if (c % 500 === 0) {
      const path = `svc${c}/.env`;
      dotenv.add(path);
      changes.push(`M 100644 :${blob(`STRIPE_SECRET_KEY=${keys.at(-1)}\n`)} ${path}`);
      message += ` (debug with ${keys.at(-1)})`;
    }
    const t = 1_600_000_000 + c * 60;
    const msg = Buffer.from(message + "\n");
    chunks.push(Buffer.from(`commit refs/heads/main\nmark :${++mark}\ncommitter Dev <dev@shop.test> ${t} +0000\ndata ${msg.length}\n`), msg);
    chunks.push(Buffer.from(`${last ? `from :${last}\n` : ""}${changes.join("\n")}\n\n`));
    last = mark;
    if (c % 1000 === 0) chunks.push(Buffer.from(`tag v${c / 1000}\nfrom :${last}\ntagger Dev <dev@shop.test> ${t} +0000\ndata 8\nrelease\n\n`));
  }
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, env, input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
  execFileSync("git", ["repack", "-q", "-a", "-d"], { cwd: dir, env });
  return { keys, dotenv: [...dotenv] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { commits: { type: "string", default: "5000" }, files: { type: "string", default: "2000" } } });
  if (!positionals[0]) throw new Error("usage: synthetic-history.mjs DIR [--commits N] [--files N]");
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
  const r = synthesize(resolve(positionals[0]), { commits: Number(values.commits), files: Number(values.files), env });
  console.log(`${values.commits} commits, ${r.keys.length} keys, ${r.dotenv.length} .env files`);
}
