import { describe, expect, it } from "vitest";
import { detectDotenvFile } from "../../src/detectors/dotenv-file.js";
import { isDotenvPath, isDotenvTemplate } from "../../src/detectors/dotenv-path.js";
import { detectStripeKeys } from "../../src/detectors/stripe-keys.js";
import { fakeKey } from "../helpers/keys.js";

// Issue 10 item 5: env files not named `.env…`, and the copies editors and admins leave.
const bytes = (text: string) => Buffer.from(text);

describe("which paths are env files", () => {
  describe("by name", () => {
    it.each([
      ["a named env file", "prod.env"],
      ["an app env file", "app.env"],
      ["an env file in an env/ folder", "env/production.env"],
      ["kustomize's secretGenerator file", "k8s/overlays/prod/secrets.env"],
      ["a docker compose env_file", "deploy/web.env"],
      ["a hidden named env file", ".prod.env"],
      ["a .env backup (.bak)", ".env.bak"],
      ["a .env backup (.old)", ".env.old"],
      ["a nano save (.save)", ".env.save"],
      ["an editor backup (~)", ".env~"],
      ["a patch leftover (.orig)", ".env.orig"],
      ["a vim swap file", ".env.swp"],
      ["an emacs auto-save", "#.env#"],
      ["a backup of a named env file", "config/prod.env.bak"],
      ["an editor backup of .env.local", "web/.env.local~"],
      ["a vim swap of a named env file", "env/.production.env.swp"],
      ["a numbered backup", "app.env.1"],
    ])("%s: %s", (_name, path) => {
      expect(isDotenvPath(path)).toBe(true);
      expect(isDotenvTemplate(path)).toBe(false);
    });
  });

  describe("templates stay templates", () => {
    it.each([".env.example", "example.env", "sample.env", "template.env", "config/prod.example.env", "prod.env.example", "env-sample.env", ".env.example.bak", "deploy/web.env.dist"])("%s", (path) => {
      expect(isDotenvPath(path)).toBe(true);
      expect(isDotenvTemplate(path)).toBe(true);
    });
  });

  describe("files that are not env files", () => {
    it.each([
      ["code named after env", "src/something.env.ts"],
      ["a JavaScript env module", "config/app.env.js"],
      ["a file in a directory named env", "env/config.json"],
      ["a file in a Python virtualenv named .env", ".env/bin/activate"],
      ["a file called env", "scripts/env"],
      ["a file ending in env without a dot", "dev/prodenv"],
      ["an environment.ts", "src/environment.ts"],
      ["dotenv-vault's encrypted file", ".env.vault"],
      ["a backup of dotenv-vault's file", ".env.vault.bak"],
      ["a backup of a non-env file", "notes.txt.bak"],
    ])("%s: %s", (_name, path) => {
      expect(isDotenvPath(path)).toBe(false);
    });
  });
});

describe("a named env file is reported and its key is a dotenv leak", () => {
  it.each(["prod.env", "env/production.env", "k8s/secrets.env", ".env~", ".env.save", "app.env.bak"])("%s", (path) => {
    const key = fakeKey();
    const text = `PORT=3000\nSTRIPE_SECRET_KEY=${key}\n`;
    expect(detectDotenvFile({ path, bytes: bytes(text) })).toMatchObject([{ rule: "dotenv-file", severity: "high", vector: "dotenv", identity: `dotenv-file:${path}` }]);
    expect(detectStripeKeys({ path, bytes: bytes(text) }).map((m) => [m.secret, m.vector])).toEqual([[key, "dotenv"]]);
  });

  it.each(["example.env", "sample.env", "template.env"])("%s with placeholders is not reported", (path) => {
    expect(detectDotenvFile({ path, bytes: bytes(`STRIPE_SECRET_KEY=${"sk_"}live_...\nPORT=3000\n`) })).toEqual([]);
  });

  it("a template that holds a real key is reported", () => {
    expect(detectDotenvFile({ path: "example.env", bytes: bytes(`STRIPE_SECRET_KEY=${fakeKey()}\n`) })).toMatchObject([{ rule: "dotenv-file", severity: "high" }]);
  });

  it("a code file named like an env file is not a dotenv file, though its key is still found", () => {
    const key = fakeKey();
    const text = `export const key = "${key}";\n`;
    expect(detectDotenvFile({ path: "src/stripe.env.ts", bytes: bytes(text) })).toEqual([]);
    expect(detectStripeKeys({ path: "src/stripe.env.ts", bytes: bytes(text) }).map((m) => [m.secret, m.vector])).toEqual([[key, "source"]]);
  });
});
