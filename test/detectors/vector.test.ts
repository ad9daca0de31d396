import { describe, expect, it } from "vitest";
import { detectDotenvFile } from "../../src/detectors/dotenv-file.js";
import { detectStripeKeys } from "../../src/detectors/stripe-keys.js";
import { fileFacts, vectorOf } from "../../src/detectors/vector.js";
import { fakeKey } from "../helpers/keys.js";

const vector = (path: string, line: string, file = "") => vectorOf(path, line, fileFacts(path, file));
const LARAVEL_ENV = "APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY=base64:c2VjcmV0c2VjcmV0c2VjcmV0\nAPP_DEBUG=false\nLOG_CHANNEL=stack\nDB_CONNECTION=mysql\nVITE_APP_NAME=\"${APP_NAME}\"\n";
const VITE_ENV = "VITE_API_URL=https://api.example.com\nVITE_STRIPE_PUBLISHABLE_KEY=pk\n";

describe("vectorOf", () => {
  it.each([
    [".env", "STRIPE_SECRET_KEY=k", "", "dotenv"],
    ["services/api/.env.production", "STRIPE_SECRET_KEY=k", "", "dotenv"],
    [".env", "REACT_APP_STRIPE_SECRET=k", "", "frontend-env"],
    ["web/.env.local", "VITE_STRIPE_SECRET_KEY=k", "", "frontend-env"],
    ["src/config.js", "const s = process.env.NEXT_PUBLIC_STRIPE = 'k'", "", "frontend-env"],
    [".env", "NUXT_ENV_STRIPE_SECRET_KEY=k", "", "frontend-env"],
    [".env", "VUE_APP_STRIPE=k", "", "frontend-env"],
    ["src/environments/environment.prod.ts", "stripeKey: 'k'", "", "frontend-env"],
    ["pages/checkout.tsx", "const stripe = 'k'", "", "frontend-env"],
    ["app/checkout/page.tsx", "const stripe = 'k'", "", "frontend-env"],
    [".env", "STRIPE_SECRET=k", "APP_NAME=Shop\nAPP_DEBUG=true\n", "laravel"],
    ["wp-config.php", "define('STRIPE', 'k');", "", "cms-config"],
    ["configuration.php", "public $stripe = 'k';", "", "cms-config"],
    ["wp-content/plugins/pay/settings.php", "'k'", "", "cms-config"],
    ["android/app/src/main/res/values/strings.xml", "<string>k</string>", "", "mobile-app"],
    ["ios/Shop/Config.swift", "let key = \"k\"", "", "mobile-app"],
    ["lib/payments.dart", "const key = 'k';", "", "mobile-app"],
    ["dist/main.4f3a.js", "var k='k'", "", "bundle"],
    ["assets/app.min.js", "var k='k'", "", "bundle"],
    ["vendor.js", "x".repeat(2000), "", "bundle"],
    ["server/billing.py", "stripe.api_key = 'k'", "", "source"],
  ])("%s -> %s", (path, line, file, expected) => {
    expect(vector(path, line, file)).toBe(expected);
  });

  describe("a copy of a CMS config is served as plain text, and keeps the CMS vector", () => {
    it.each(["wp-config.php.bak", "wp-config.php.save", "wp-config.php.old", "wp-config.php.orig", "wp-config.php~", ".wp-config.php.swp", "#wp-config.php#", "public_html/wp-config.php.bak", "configuration.php.bak", "sites/default/settings.php.orig"])(
      "%s -> cms-config",
      (path) => {
        expect(vector(path, "define('STRIPE_SECRET', 'k');")).toBe("cms-config");
      },
    );

    it.each(["wp-config.php.ts", "my-wp-config.md", "wp-config.php.bak/notes.txt"])("%s is not a CMS config", (path) => {
      expect(vector(path, "k")).toBe("source");
    });
  });

  describe("Laravel's log holds the environment its error pages dump", () => {
    it.each(["storage/logs/laravel.log", "storage/logs/laravel-2026-11-30.log", "shop/storage/logs/worker.log", "storage/logs/laravel.log.1"])("%s -> laravel", (path) => {
      expect(vector(path, '  "STRIPE_SECRET" => "k",')).toBe("laravel");
    });

    it.each(["logs/app.log", "storage/app/notes.log", "var/log/storage/logs.txt"])("%s is not Laravel's log", (path) => {
      expect(vector(path, "k")).toBe("source");
    });
  });

  describe("mobile app configs, told apart by their own content", () => {
    it.each([
      ["app.json", JSON.stringify({ expo: { name: "shop", extra: { stripeSecret: "k" } } }, null, 2)],
      ["apps/mobile/app.json", '{"expo":{"extra":{"stripe":"k"}}}'],
      ["app.config.ts", 'import type { ExpoConfig } from "expo/config";\nconst config: ExpoConfig = { name: "shop", extra: { stripe: "k" } };\nexport default config;'],
      ["app.config.js", "module.exports = { expo: { extra: { stripe: 'k' } } };"],
      ["eas.json", '{"build":{"production":{"env":{"STRIPE_SECRET_KEY":"k"}}}}'],
      ["pubspec.yaml", "name: shop\ndependencies:\n  flutter:\n    sdk: flutter\n"],
    ])("%s -> mobile-app", (path, file) => {
      expect(vector(path, "k", file)).toBe("mobile-app");
    });

    it.each([
      ["a Heroku app.json (no expo key)", "app.json", '{"name":"shop","env":{"STRIPE_SECRET_KEY":{"value":"k"}}}', "source"],
      ["a Dart server's pubspec.yaml", "pubspec.yaml", "name: api\ndependencies:\n  shelf: ^1.4.0\n", "source"],
      ["a Node app.config.js", "app.config.js", "module.exports = { port: 3000, stripe: 'k' };", "source"],
      ["Nuxt's app.config.ts, which ships to the browser", "app.config.ts", "export default defineAppConfig({ stripe: 'k' })", "frontend-env"],
    ])("%s -> %s", (_name, path, file, expected) => {
      expect(vector(path, "k", file)).toBe(expected);
    });
  });

  describe("an env file's framework comes from its own variables, not from its directory", () => {
    it.each([
      ["a Vite env file under web/", "web/.env.production.local", VITE_ENV, "frontend-env"],
      ["a plain env file under public/", "public/.env", "PORT=3000\n", "dotenv"],
      ["a plain env file under web/", "web/.env", "DATABASE_URL=postgres://db/x\n", "dotenv"],
      ["a Laravel env file (APP_KEY=base64:)", ".env", "APP_KEY=base64:c2VjcmV0\n", "laravel"],
      ["a Laravel env file under public/", "public/.env", LARAVEL_ENV, "laravel"],
      ["a Laravel env file with Vite names in it", "backend/.env.production", LARAVEL_ENV, "laravel"],
      ["Laravel debug mode, quoted", ".env", 'APP_DEBUG="true"\n', "laravel"],
      ["Laravel debug mode, exported and indented", ".env", "  export APP_DEBUG=TRUE\n", "laravel"],
      ["a Symfony env file (APP_ENV, APP_SECRET)", ".env", "APP_ENV=prod\nAPP_SECRET=0123\nDATABASE_URL=mysql://db\n", "dotenv"],
      ["a Node env file with APP_ENV", ".env", "APP_ENV=production\nAPP_URL=https://shop\n", "dotenv"],
      ["debug mode off", ".env", "APP_DEBUG=false\n", "dotenv"],
      ["APP_DEBUG=true in a comment", ".env", "# APP_DEBUG=true in dev\n", "dotenv"],
      ["an Expo env file", ".env", "EXPO_PUBLIC_API=https://api\n", "mobile-app"],
      ["a Next.js env file (its server holds the secret)", ".env.local", "NEXT_PUBLIC_STRIPE_PK=pk\n", "dotenv"],
      ["a server env file with a PUBLIC_KEY", ".env", "PUBLIC_KEY=abc\n", "dotenv"],
      ["a Create React App env file", ".env.production", "REACT_APP_API=https://api\n", "frontend-env"],
      ["a named env file with CRLF lines", "env/production.env", "PORT=1\r\nAPP_KEY=base64:c2VjcmV0\r\n", "laravel"],
      ["a backup copy", ".env.bak", "PORT=1\n", "dotenv"],
    ])("%s -> %s", (_name, path, file, expected) => {
      expect(vector(path, "STRIPE_SECRET_KEY=k", file)).toBe(expected);
    });
  });

  it("gives the key found by the detector the vector of its file", () => {
    const key = fakeKey();
    const file = `${VITE_ENV}STRIPE_SECRET_KEY=${key}\n`;
    expect(detectStripeKeys({ path: "web/.env.production.local", bytes: Buffer.from(file) }).map((m) => m.vector)).toEqual(["frontend-env"]);
    expect(detectDotenvFile({ path: "web/.env.production.local", bytes: Buffer.from(file) })[0]?.vector).toBe("frontend-env");
    expect(detectStripeKeys({ path: "wp-config.php.save", bytes: Buffer.from(`define('STRIPE', '${key}');`) })[0]?.vector).toBe("cms-config");
  });

  it("gives every key of a many-key file with long blank runs the vector of the file", () => {
    const keys = Array.from({ length: 300 }, () => `STRIPE_SECRET_KEY=${fakeKey()}`).join("\n");
    const file = "\n".repeat(20_000) + " \t".repeat(10_000) + "\n" + keys + "\nAPP_DEBUG=true\n";
    const found = detectStripeKeys({ path: ".env", bytes: Buffer.from(file) });
    expect(found).toHaveLength(300);
    expect(new Set(found.map((m) => m.vector))).toEqual(new Set(["laravel"]));
  });
});
