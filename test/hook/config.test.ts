import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { defaultHookConfig, loadHookConfig } from "../../src/hook/config.js";
import { HookConfigSchema } from "../../src/hook/config-schema.js";
import { tempDir } from "../helpers/repo.js";

describe("loadHookConfig", () => {
  it("uses defaults a security team can keep when there is no file", async () => {
    const dir = tempDir();
    const { config, source } = await loadHookConfig({ repoDir: dir, env: {} });
    expect(source).toBeNull();
    expect(config).toEqual({
      failMode: "closed",
      timeBudgetMs: 4000,
      blockSeverity: "high",
      blockDotenvFiles: true,
      maxBlobBytes: null,
      bypass: { allowed: false, reasons: ["false-positive", "used-in-tests", "will-fix-later"] },
      allowReplaceRefs: false,
      blockKnownKeys: false,
      auditLog: join(dir, "leakguard-audit.log"),
      inlineAllow: "test-keys",
    });
  });

  it("reads the repository's file, then LEAKGUARD_HOOK_CONFIG, then --config, in rising priority", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "leakguard-hook.yml"), "failMode: open\n");
    writeFileSync(join(dir, "server.yml"), "timeBudgetMs: 4500\nbypass:\n  allowed: true\n");
    writeFileSync(join(dir, "flag.yml"), "blockSeverity: critical\nauditLog: /var/log/lg.log\n");
    expect((await loadHookConfig({ repoDir: dir, env: {} })).config.failMode).toBe("open");
    const server = (await loadHookConfig({ repoDir: dir, env: { LEAKGUARD_HOOK_CONFIG: "server.yml" } })).config;
    expect(server).toMatchObject({ failMode: "closed", timeBudgetMs: 4500, bypass: { allowed: true } });
    const flag = (await loadHookConfig({ repoDir: dir, env: { LEAKGUARD_HOOK_CONFIG: "server.yml" }, path: join(dir, "flag.yml") })).config;
    expect(flag).toMatchObject({ blockSeverity: "critical", auditLog: "/var/log/lg.log" });
  });

  it("names the field of a bad config in one line, and does not fall back to defaults", async () => {
    const dir = tempDir();
    const bad = (text: string) => {
      writeFileSync(join(dir, "leakguard-hook.yml"), text);
      return loadHookConfig({ repoDir: dir, env: {} });
    };
    await expect(bad("failMode: sometimes\n")).rejects.toThrow(UsageError);
    await expect(bad("failMode: sometimes\n")).rejects.toThrow(/leakguard-hook\.yml: failMode: /);
    await expect(bad("timeBudgetMs: -5\n")).rejects.toThrow(/timeBudgetMs/);
    await expect(bad("bypass:\n  allowd: true\n")).rejects.toThrow(/bypass/);
    await expect(bad("a: [\n")).rejects.toThrow(/not valid YAML/);
    await expect(loadHookConfig({ repoDir: dir, env: {}, path: "missing.yml" })).rejects.toThrow(/cannot read hook config .*missing\.yml: ENOENT/);
  });

  it("has one set of defaults: the schema fills in exactly what the hook uses without a file", () => {
    expect(HookConfigSchema.parse({})).toEqual(defaultHookConfig());
  });
});
