#!/usr/bin/env node
// Builds a small repository that leaks the way real projects do, with keys generated
// now (none is committed to leakguard itself), then scans its whole history.
import { execFileSync, spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = resolve(process.argv[2] ?? join(root, "demo-repo"));
const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const rand = (n) => Array.from({ length: n }, () => B62[randomInt(62)]).join("");
const key = (kind, len = 24) => `${kind}_` + "live_" + (len > 24 ? "51" + rand(len - 2) : rand(len));

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let t = 1_700_000_000;
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
const git = (...args) => execFileSync("git", args, { cwd: dir, env: { ...env, GIT_AUTHOR_DATE: `${t} +0000`, GIT_COMMITTER_DATE: `${t} +0000` }, stdio: "pipe" });
function commit(who, message, files) {
  t += 86_400;
  for (const [path, content] of Object.entries(files)) {
    if (content === null) rmSync(join(dir, path), { force: true });
    else {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  }
  git("add", "-A");
  git("-c", `user.name=${who}`, "-c", `user.email=${who.toLowerCase()}@shop.test`, "commit", "-q", "--allow-empty", "-m", message);
}

git("init", "-q", "--initial-branch=main");
commit("Maya", "Storefront scaffold", {
  "package.json": '{ "name": "shop", "private": true }\n',
  "src/App.jsx": "export default function App() { return <Checkout/> }\n",
  ".gitignore": "node_modules\n",
});
// 1. A frontend variable: anything named REACT_APP_* ends up in the browser bundle.
commit("Maya", "Checkout calls Stripe directly", {
  ".env": `REACT_APP_STRIPE_SECRET_KEY=${key("sk")}\n`,
  "src/Checkout.jsx": "const stripe = Stripe(process.env.REACT_APP_STRIPE_SECRET_KEY);\n",
});
// 2. Deleting the file does not remove it from history; the replacement lands in .env.production.
commit("Maya", "Remove .env", { ".env": null });
commit("Maya", "Production config", { ".env.production": `STRIPE_SECRET_KEY=${key("sk", 99)}\nAPP_DEBUG=false\n` });
// 3. A Laravel admin with its .env under the web root and debug mode on.
commit("Omar", "Admin panel", {
  "admin/public/.env": `APP_DEBUG=true\nSTRIPE_SECRET=${key("rk")}\n`,
  "admin/public/index.php": "<?php require __DIR__.'/../bootstrap/app.php';\n",
});
// 4. A key pasted into a commit message, and a placeholder that must not be reported.
commit("Omar", `Fix webhook (was failing with ${key("sk")})`, {
  "docs/setup.md": "Set STRIPE_SECRET_KEY=sk_" + "live_... in your server environment.\n",
});

console.log(`Demo repository: ${dir}\n`);
const cli = join(root, "dist", "cli", "main.js");
const r = spawnSync(process.execPath, [cli, "scan", "--history", dir], { stdio: "inherit" });
console.log(`\nleakguard exited ${r.status} (1 means leaks were found). Try --format json or --format sarif.`);
