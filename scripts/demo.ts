// Builds a small repository that leaks the way real projects do, with keys generated
// now by test/helpers/keys.ts (none is committed to leakguard itself), then scans its whole
// history with the built CLI, as a user runs it.
//   npm run build && npm run demo [DIR]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fakeKey, fakeLongKey } from "../test/helpers/keys.js";
import { builtCli, packageRoot } from "./lib/package-root.js";

const cli = builtCli("demo");
const dir = resolve(process.argv[2] ?? join(packageRoot(), "demo-repo"));

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let t = 1_700_000_000;
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
const git = (...args: string[]): Buffer => execFileSync("git", args, { cwd: dir, env: { ...env, GIT_AUTHOR_DATE: `${t} +0000`, GIT_COMMITTER_DATE: `${t} +0000` }, stdio: "pipe" });
function commit(who: string, message: string, files: Record<string, string | null>): void {
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
  ".env": `REACT_APP_STRIPE_SECRET_KEY=${fakeKey()}\n`,
  "src/Checkout.jsx": "const stripe = Stripe(process.env.REACT_APP_STRIPE_SECRET_KEY);\n",
});
// 2. Deleting the file does not remove it from history; the replacement lands in .env.production.
commit("Maya", "Remove .env", { ".env": null });
commit("Maya", "Production config", { ".env.production": `STRIPE_SECRET_KEY=${fakeLongKey()}\nAPP_DEBUG=false\n` });
// 3. A Laravel admin with its .env under the web root and debug mode on.
commit("Omar", "Admin panel", {
  "admin/public/.env": `APP_DEBUG=true\nSTRIPE_SECRET=${fakeKey("rk")}\n`,
  "admin/public/index.php": "<?php require __DIR__.'/../bootstrap/app.php';\n",
});
// 4. A key pasted into a commit message, and a placeholder that must not be reported.
commit("Omar", `Fix webhook (was failing with ${fakeKey()})`, {
  "docs/setup.md": "Set STRIPE_SECRET_KEY=sk_" + "live_... in your server environment.\n",
});

console.log(`Demo repository: ${dir}\n`);
const r = spawnSync(process.execPath, [cli, "scan", "--history", dir], { stdio: "inherit" });
console.log(`\nleakguard exited ${r.status} (1 means leaks were found). Try --format json or --format sarif.`);
