import { describe, expect, it } from "vitest";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { makeRepo } from "../helpers/repo.js";

describe("scanHistory (native engine)", () => {
  it("finds a key that was added and later deleted, attributed to the commit that added it", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("init", { "README.md": "hello\n" });
    const leak = repo.commit("add config", { "config/stripe.js": `module.exports = "${key}";\n` });
    repo.commit("remove key", { "config/stripe.js": "module.exports = process.env.STRIPE_KEY;\n" });
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "stripe-live-secret-key",
      path: "config/stripe.js",
      line: 1,
      commit: leak,
      redacted: redacted(key),
      vector: "source",
      author: "Ada Dev <ada@example.com>",
    });
    expect(stats.commits).toBe(3);
    expect(JSON.stringify(findings)).not.toContain(key);
  });

  it("reports a committed .env, its key, and a long-shape key in a commit message", async () => {
    const repo = makeRepo();
    const key = fakeLongKey("rk");
    repo.commit("init", { ".env": `STRIPE_SECRET_KEY=${key}\n` });
    repo.commit(`rotate ${fakeKey()}`);
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(findings.map((f) => [f.rule, f.path, f.vector])).toEqual([
      ["stripe-live-secret-key", "(commit message)", "source"],
      ["dotenv-file", ".env", "dotenv"],
      ["stripe-live-restricted-key", ".env", "dotenv"],
    ]);
  });
});
