import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openEngine } from "../../src/git/open-engine.js";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { UsageError } from "../../src/errors.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";
import { runCli } from "../helpers/cli.js";

/** An environment whose PATH holds node and nothing else: no git to be found. */
function envWithoutGit(): NodeJS.ProcessEnv {
  const bin = tempDir("leakguard-nogit-");
  symlinkSync(process.execPath, join(bin, "node"));
  return { ...process.env, PATH: bin };
}

describe("openEngine", () => {
  it("uses the native engine when git is on PATH", async () => {
    expect((await openEngine(makeRepo().dir, "auto")).name).toBe("native");
  });

  it("falls back to the isomorphic engine when no git binary is on PATH, and still finds keys", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("init", { "README.md": "hi\n" });
    const leak = repo.commit("leak", { "pay.js": `stripe("${key}")\n` });
    repo.commit("fix", { "pay.js": "stripe(process.env.KEY)\n" });

    const engine = await openEngine(repo.dir, "auto", envWithoutGit());
    expect(engine.name).toBe("isomorphic");
    const result = await scanHistory({ engine, selection: { all: true } });
    expect(result.findings.map((f) => [f.path, f.commit])).toEqual([["pay.js", leak]]);
    const native = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(result.findings).toEqual(native.findings);
    expect(JSON.stringify(result)).not.toContain(key);
  });

  it("refuses --engine native without a git binary, with a usage error", async () => {
    const attempt = openEngine(makeRepo().dir, "native", envWithoutGit());
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(openEngine(makeRepo().dir, "native", envWithoutGit())).rejects.toThrow(/needs a git binary/);
  });

  it("uses the isomorphic engine on request even where git exists", async () => {
    expect((await openEngine(makeRepo().dir, "isomorphic")).name).toBe("isomorphic");
  });

  it("lets `leakguard scan --history` run on a machine without git, with the same report", async () => {
    const repo = makeRepo();
    const key = fakeKey("rk");
    repo.commit("init", { "README.md": "hi\n" });
    repo.commit("leak", { ".env": `STRIPE_KEY=${key}\n` });
    repo.commit("untrack", { ".env": null });
    const args = ["scan", repo.dir, "--history", "--format", "json"];
    const withGit = await runCli(args);
    const withoutGit = await runCli(args, { env: envWithoutGit() });
    expect(withoutGit.code).toBe(1);
    const findings = (out: string) => JSON.parse(out).findings;
    expect(findings(withoutGit.stdout)).toEqual(findings(withGit.stdout));
    expect(findings(withoutGit.stdout)).toHaveLength(2); // the .env file and the key in it
    expect(withoutGit.stdout + withoutGit.stderr).not.toContain(key);

    const native = await runCli([...args, "--engine", "native"], { env: envWithoutGit() });
    expect(native.code).toBe(2);
    expect(native.stderr).toMatch(/^\[leakguard\] [^\n]*needs a git binary[^\n]*\n$/);
  });
});
