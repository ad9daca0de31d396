import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { makeRepo } from "../helpers/repo.js";
import { runCli } from "../helpers/cli.js";

// Issue 10 items 4 to 7 end to end: a real repository with each shape, scanned through
// the CLI's history scan (bulk prefilter, blob reads, attribution, JSON and SARIF).
interface JsonFinding {
  rule: string;
  severity: string;
  path: string;
  vector: string;
  redacted: string | null;
}

function shapesRepo() {
  const repo = makeRepo();
  const k = {
    percent: fakeKey(),
    unicode: fakeLongKey(),
    prodEnv: fakeKey(),
    kustomize: fakeKey("rk"),
    tilde: fakeKey(),
    wpBak: fakeKey(),
    laravelLog: fakeKey(),
    expo: fakeKey(),
    vite: fakeKey(),
    paystack: "sk_" + "live_" + randomBytes(20).toString("hex"),
    nearDocs: fakeKey(),
  };
  repo.commit("init", { "README.md": "# shop\n" });
  repo.commit("shapes", {
    "config/callback.txt": `https://shop.example/cb?stripe_key%3D${k.percent}&next=1\n`,
    "config/env.json": `{"STRIPE":"\\u0022${k.unicode}\\u0022"}\n`,
    "prod.env": `STRIPE_SECRET_KEY=${k.prodEnv}\n`,
    "k8s/overlays/prod/secrets.env": `STRIPE_RESTRICTED=${k.kustomize}\n`,
    ".env~": `STRIPE_SECRET_KEY=${k.tilde}\n`,
    "public_html/wp-config.php.bak": `<?php define('STRIPE_SECRET', '${k.wpBak}');\n`,
    "storage/logs/laravel.log": `[2026-11-30 10:00:00] production.ERROR: x {"env":{"STRIPE_SECRET":"${k.laravelLog}"}}\n`,
    "app.json": JSON.stringify({ expo: { name: "shop", extra: { stripeSecret: k.expo } } }, null, 2) + "\n",
    "web/.env.production.local": `VITE_API_URL=https://api.shop.example\nSTRIPE_SECRET_KEY=${k.vite}\n`,
    "payments/paystack.py": `PAYSTACK_SECRET = "${k.paystack}"\n`,
    "docs/keys.md": `See https://docs.stripe.com/keys/${"sk_" + "live_"}ThisIsWhereYourLiveKeyGoes and https://docs.stripe.com/keys/${k.nearDocs}\n`,
  });
  return { repo, k };
}

describe("a history scan of a repository with every shape of issue 10 items 4 to 7", () => {
  const { repo, k } = shapesRepo();

  it("reports each key once, under the right rule and vector, and each env file by its name", async () => {
    const r = await runCli(["scan", repo.dir, "--history", "--format", "json"]);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout).findings as JsonFinding[]).map((f) => [f.path, f.rule, f.vector, f.redacted]);
    expect(found).toEqual(
      expect.arrayContaining([
        ["config/callback.txt", "stripe-live-secret-key", "source", redacted(k.percent)],
        ["config/env.json", "stripe-live-secret-key", "source", redacted(k.unicode)],
        ["prod.env", "stripe-live-secret-key", "dotenv", redacted(k.prodEnv)],
        ["prod.env", "dotenv-file", "dotenv", null],
        ["k8s/overlays/prod/secrets.env", "stripe-live-restricted-key", "dotenv", redacted(k.kustomize)],
        ["k8s/overlays/prod/secrets.env", "dotenv-file", "dotenv", null],
        [".env~", "stripe-live-secret-key", "dotenv", redacted(k.tilde)],
        [".env~", "dotenv-file", "dotenv", null],
        ["public_html/wp-config.php.bak", "stripe-live-secret-key", "cms-config", redacted(k.wpBak)],
        ["storage/logs/laravel.log", "stripe-live-secret-key", "laravel", redacted(k.laravelLog)],
        ["app.json", "stripe-live-secret-key", "mobile-app", redacted(k.expo)],
        ["web/.env.production.local", "stripe-live-secret-key", "frontend-env", redacted(k.vite)],
        ["web/.env.production.local", "dotenv-file", "frontend-env", null],
        ["payments/paystack.py", "generic-live-secret-key", "source", redacted(k.paystack)],
        ["docs/keys.md", "stripe-live-secret-key", "source", redacted(k.nearDocs)],
      ]),
    );
    // Nothing else: not the documentation prose, and no key twice.
    expect(found).toHaveLength(15);
    for (const key of Object.values(k)) expect(r.stdout).not.toContain(key);
  });

  it("lists the generic rule in SARIF with advice that is not Stripe's", async () => {
    const r = await runCli(["scan", repo.dir, "--history", "--format", "sarif"]);
    const run = JSON.parse(r.stdout).runs[0];
    const rule = run.tool.driver.rules.find((x: { id: string }) => x.id === "generic-live-secret-key");
    expect(rule.help.text).not.toMatch(/Stripe Dashboard/);
    expect(run.results.filter((x: { ruleId: string }) => x.ruleId === "generic-live-secret-key")).toHaveLength(1);
    expect(r.stdout).not.toContain(k.paystack);
  });
});
