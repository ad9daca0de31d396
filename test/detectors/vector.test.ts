import { describe, expect, it } from "vitest";
import { vectorOf } from "../../src/detectors/vector.js";

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
    ["public/.env", "STRIPE_SECRET=k", "", "laravel"],
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
    expect(vectorOf(path, line, file)).toBe(expected);
  });
});
