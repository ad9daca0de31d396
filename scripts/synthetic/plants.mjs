// Leaks planted at known places in the synthetic history, and the findings leakguard must
// report for them (by commit, path, rule and fingerprint; never the raw key). Key material
// is generated here at run time, the way test/helpers/keys.ts does it.
import { createHash, randomInt } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const random62 = (n) => "aZ9" + Array.from({ length: n - 3 }, () => BASE62[randomInt(62)]).join("");
/** Classic shape: prefix + 24 base62. */
export const key = (kind = "sk", mode = "live") => `${kind}_` + `${mode}_` + random62(24);
/** Current shape: prefix + 51 + 97 base62. */
export const longKey = (kind = "sk", mode = "live") => `${kind}_` + `${mode}_` + "51" + random62(97);

/** Same as src/findings/fingerprint.ts: SHA-256 hex of the whole value, first 32 characters. */
export const fingerprint = (v) => createHash("sha256").update(v).digest("hex").slice(0, 32);

const RULE = { sk_live: "stripe-live-secret-key", rk_live: "stripe-live-restricted-key", sk_test: "stripe-test-secret-key", rk_test: "stripe-test-restricted-key" };
const ruleOf = (k) => RULE[k.slice(0, 7)];
const keyFinding = (path, k) => ({ path, rule: ruleOf(k), fingerprint: fingerprint(k) });
const dotenvFinding = (path) => ({ path, rule: "dotenv-file", fingerprint: fingerprint(`dotenv-file:${path}`) });

/** Filler around a planted line so keys sit deep inside a blob, not at its start. */
const pad = (rng, pool, n) => Array.from({ length: n }, () => rng.pick(pool)).join("\n");

/**
 * Plant events by position in history (fraction of the commit count). `files` ops are
 * [path, content | null(delete)]; `expect` lists the findings the introducing commit must get.
 * `where`: "main" (default), "feature" (a merged topic branch), "experiment" (never merged),
 * "message" (the commit message), "tag" (an annotated tag's message).
 */
export function makePlants(rng, pools, binary) {
  const code = pools.code;
  const k = Array.from({ length: 16 }, () => key());
  const plants = [];
  const add = (at, files, expect, extra = {}) => plants.push({ at, files, expect, ...extra });

  add(0.01, [["legacy/billing.php", `<?php\n${pad(rng, code, 40)}\n$stripe = new \\Stripe\\StripeClient('${k[0]}');\n${pad(rng, code, 40)}\n`]], [keyFinding("legacy/billing.php", k[0])]);
  add(0.03, [["legacy/billing.php", null]], []); // key only in old history: the file is gone at HEAD
  add(0.1, [["config/payments.js", `${pad(rng, code, 30)}\nconst stripeKey = "${k[1]}";\n${pad(rng, code, 30)}\n`]], [keyFinding("config/payments.js", k[1])]);
  add(0.55, [["config/payments.js", `${pad(rng, code, 30)}\nconst stripeKey = process.env.STRIPE_SECRET_KEY;\n`]], []); // added then deleted
  const long = longKey();
  add(0.2, [[".env.production", `NODE_ENV=production\nSTRIPE_SECRET_KEY=${long}\nPORT=8080\n`]], [keyFinding(".env.production", long), dotenvFinding(".env.production")]);
  add(0.25, [[".env", "PORT=3000\nDEBUG=true\n"]], [dotenvFinding(".env")]);
  add(0.26, [[".env.example", "STRIPE_SECRET_KEY=sk_" + "live_" + "x".repeat(24) + "\n"]], []);
  const rk = key("rk");
  add(0.3, [["android/app/src/main/res/values/stripe.xml", `<resources>\n  <string name="stripe_key">${rk}</string>\n</resources>\n`]], [keyFinding("android/app/src/main/res/values/stripe.xml", rk)]);
  const skt = key("sk", "test");
  add(0.33, [["test/fixtures/charges.json", `{\n  "api_key": "${skt}",\n  "charges": []\n}\n`]], [keyFinding("test/fixtures/charges.json", skt)]);
  const rkt = key("rk", "test");
  add(0.36, [["scripts/ci/smoke.sh", `#!/bin/sh\ncurl https://api.stripe.com/v1/charges -u ${rkt}:\n`]], [keyFinding("scripts/ci/smoke.sh", rkt)]);
  // A 1.5 MB minified bundle with a long-shape key in the middle of a long line: the blob
  // spans many pipe chunks.
  const bundleKey = longKey();
  const half = pad(rng, pools.bundle, 350);
  add(0.4, [["dist/vendor.min.js", `${half}\nvar k="${bundleKey}";${pad(rng, pools.bundle, 1)}\n${half}\n`]], [keyFinding("dist/vendor.min.js", bundleKey)]);
  const apk = Buffer.concat([binary(rng, 300_000), Buffer.from(`\0${k[2]}\0`), binary(rng, 300_000)]);
  add(0.45, [["android/app/release.apk", apk]], [keyFinding("android/app/release.apk", k[2])]);
  add(0.5, [["src/environments/environment.prod.ts", `export const environment = {\n  production: true,\n  stripeKey: '${k[3]}',\n};\n`]], [keyFinding("src/environments/environment.prod.ts", k[3])]);
  add(0.6, [], [keyFinding("(commit message)", k[4])], { where: "message", message: `rotate payments config, old key was ${k[4]}` });
  add(0.65, [["app/checkout/keys.rb", `${pad(rng, code, 20)}\nStripe.api_key = '${k[5]}'\n`]], [keyFinding("app/checkout/keys.rb", k[5])], { where: "feature" });
  add(0.7, [["docs/stripe-setup.md", [
    "Set STRIPE_SECRET_KEY to your key, e.g. sk_" + "live_" + "x".repeat(24) + ",",
    "or sk_" + "live_... or sk_" + "live_<your key> or sk_" + "live_YOUR_SECRET_KEY.",
    "Publishable keys such as pk_" + "live_" + random62(24) + " are public.",
    "The desk_" + "live_stats table and sk_" + "test_123 in tests are not keys.",
  ].join("\n") + "\n"]], []);
  add(0.72, [["config/allowed.js", `const demo = "${k[6]}"; // leakguard:allow\n`]], []); // suppressed inline
  add(0.8, [], [keyFinding("(tag {tag} message)", k[7])], { where: "tag", message: `release notes\n\nhotfix for ${k[7]}\n` });
  add(0.9, [["public/.env", `APP_DEBUG=true\nSTRIPE_SECRET=${k[8]}\n`]], [keyFinding("public/.env", k[8]), dotenvFinding("public/.env")]);
  add(0.93, [["app/config/keys.py", `import os\r\n${pad(rng, code, 10).replace(/\n/g, "\r\n")}\r\nSTRIPE = "${k[9]}"\r\n`]], [keyFinding("app/config/keys.py", k[9])]);
  add(0.6, [["scripts/seed.py", `import stripe\nstripe.api_key = "${k[10]}"\n`]], [keyFinding("scripts/seed.py", k[10])], { where: "experiment" });
  return plants.sort((a, b) => a.at - b.at);
}
