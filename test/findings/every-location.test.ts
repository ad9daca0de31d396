import { describe, expect, it } from "vitest";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { scanTree } from "../../src/findings/scan-tree.js";
import { MAX_LOCATIONS } from "../../src/objects/walk-objects.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { makeRepo } from "../helpers/repo.js";

// Issue 10 item 1: a blob is read once, and its findings are reported at every path that
// introduces it, each with its own oldest commit.

describe("a blob reused at several paths", () => {
  it("reports a .env copied to .env.bak at both paths, each at the commit that made it", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const body = `STRIPE_SECRET_KEY=${key}\n`;
    const first = repo.commit("env", { ".env": body });
    const copy = repo.commit("backup", { ".env.bak": body });
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    const keys = findings.filter((f) => f.rule === "stripe-live-secret-key");
    expect(keys.map((f) => [f.path, f.commit, f.redacted])).toEqual([
      [".env", first, redacted(key)],
      [".env.bak", copy, redacted(key)],
    ]);
    expect(new Set(keys.map((f) => f.fingerprint)).size).toBe(1);
    expect(findings.filter((f) => f.rule === "dotenv-file").map((f) => f.path)).toEqual([".env", ".env.bak"]);
  });

  it("reports a bundle deployed to an orphan gh-pages branch under another path, with that path's vector", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const bundle = `!function(){var k="${key}";fetch("/pay",{headers:{a:k}})}();\n`;
    const built = repo.commit("build", { "dist/app.js": bundle, "README.md": "app\n" });
    repo.git("checkout", "-q", "--orphan", "gh-pages");
    repo.git("rm", "-rq", "--cached", ".");
    repo.remove("dist");
    repo.remove("README.md");
    const deployed = repo.commit("deploy", { "assets/app.min.js": bundle });
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(findings.map((f) => [f.path, f.commit, f.vector])).toEqual([
      ["assets/app.min.js", deployed, "bundle"],
      ["dist/app.js", built, "bundle"],
    ]);
  });

  it("reports every file of a directory copied with cp -r, and a copy made in an older commit keeps that commit", async () => {
    const repo = makeRepo();
    const key = fakeKey("rk");
    const c1 = repo.commit("svc", { "services/pay/config.js": `module.exports = { key: "${key}" };\n`, "services/pay/index.js": "require('./config');\n" });
    const c2 = repo.commit("copy service", { "services/refunds/config.js": `module.exports = { key: "${key}" };\n`, "services/refunds/index.js": "require('./config');\n" });
    repo.commit("touch", { "services/pay/index.js": "require('./config'); // v2\n" });
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(findings.map((f) => [f.path, f.commit])).toEqual([
      ["services/pay/config.js", c1],
      ["services/refunds/config.js", c2],
    ]);
  });

  it("reports at most MAX_LOCATIONS paths of one blob and counts the others", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const files: Record<string, string> = {};
    const extra = 7;
    for (let i = 0; i < MAX_LOCATIONS + extra; i++) files[`vendor/copy-${String(i).padStart(3, "0")}/keys.js`] = `k = "${key}";\n`;
    repo.commit("vendor", files);
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(findings).toHaveLength(MAX_LOCATIONS);
    expect(stats.locationsOmitted).toBe(extra);
  });

  it("a push of a copy reports the new path, not the one already in history", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const base = repo.commit("env", { "config/.env": `K=${key}\n` });
    const copy = repo.commit("copy", { "deploy/.env.production": `K=${key}\n` });
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { include: [copy], exclude: [base] } });
    expect(findings.filter((f) => f.redacted).map((f) => [f.path, f.commit])).toEqual([["deploy/.env.production", copy]]);
  });
});

describe("the same key on the same line of two working-tree files", () => {
  it("is reported in each file", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.write("a/settings.py", `KEY = "${key}"\n`);
    repo.write("b/settings.py", `KEY = "${key}"\n`);
    const { findings } = await scanTree({ root: repo.dir });
    expect(findings.map((f) => [f.path, f.line, f.column])).toEqual([
      ["a/settings.py", 1, 8],
      ["b/settings.py", 1, 8],
    ]);
  });
});
