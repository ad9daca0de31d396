import { describe, expect, it } from "vitest";
import { detectDotenvFile } from "../../src/detectors/dotenv-file.js";
import { fakeKey } from "../helpers/keys.js";

const detect = (path: string, text: string) => detectDotenvFile({ path, bytes: Buffer.from(text) });

describe("detectDotenvFile", () => {
  it.each([".env", ".env.local", ".env.production", ".env.staging.local", ".envrc", "apps/web/.env", "deep/a/b/.env.development"])(
    "reports a committed %s even with no secret in it, at low severity",
    (path) => {
      expect(detect(path, "PORT=3000\nNODE_ENV=production\n")).toMatchObject([{ rule: "dotenv-file", severity: "low", secret: null }]);
    },
  );

  it("raises severity with what the file holds", () => {
    expect(detect(".env", "DATABASE_URL=postgres://u:hunter22@db/prod\n")[0]?.severity).toBe("medium");
    expect(detect(".env", `STRIPE_SECRET_KEY=${fakeKey()}\n`)[0]?.severity).toBe("high");
  });

  it("treats a reference or empty value as no secret", () => {
    expect(detect(".env", "STRIPE_SECRET_KEY=\nAPI_TOKEN=${VAULT_TOKEN}\n")[0]?.severity).toBe("low");
  });

  it.each([".env.example", ".env.sample", ".env.template", ".env.dist", "config/.env.example"])("ignores a template %s with no real key", (path) => {
    expect(detect(path, `STRIPE_SECRET_KEY=sk_live_...\nPORT=3000\n`)).toEqual([]);
  });

  it("reports a template that holds a real key", () => {
    expect(detect(".env.example", `STRIPE_SECRET_KEY=${fakeKey()}\n`)).toMatchObject([{ rule: "dotenv-file", severity: "high" }]);
  });

  it.each(["env.js", ".environment", "src/.envoy", ".env.vault", "dotenv.ts"])("does not take %s for a dotenv file", (path) => {
    expect(detect(path, "SECRET=abcdefgh")).toEqual([]);
  });

  it("gives each path its own identity, so each committed file is its own finding", () => {
    expect(detect("a/.env", "X=1")[0]?.identity).not.toBe(detect("b/.env", "X=1")[0]?.identity);
  });
});
