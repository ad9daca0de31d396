import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";
import { runCli } from "../helpers/cli.js";

describe("scan --output FILE still tells the terminal one line", () => {
  it("counts findings and distinct keys, names the file, and holds no key", async () => {
    const repo = makeRepo();
    const live = fakeKey();
    const test = fakeKey("sk", "test");
    repo.commit("keys", { "a.js": `k = "${live}"\n`, "b.js": `const other = "${live}";\n`, "c.js": `k = "${test}"\n` });
    const out = join(tempDir(), "report.json");
    const r = await runCli(["scan", repo.dir, "--history", "--format", "json", "--output", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`[leakguard] 3 findings (2 keys or files; 2 critical, 1 medium) written to ${out}\n`);
    expect(JSON.parse(readFileSync(out, "utf8")).findings).toHaveLength(3);
    expect(r.stderr).not.toContain(live);
  });

  it("says when nothing was found", async () => {
    const repo = makeRepo();
    repo.commit("init", { "a.js": "x = 1\n" });
    const out = join(tempDir(), "report.txt");
    const r = await runCli(["scan", repo.dir, "--history", "--output", out]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "", `[leakguard] no leaks found; report written to ${out}\n`]);
    expect(readFileSync(out, "utf8")).toMatch(/^No leaks found/);
  });

  it("a key or a control character in the file name is not echoed", async () => {
    const repo = makeRepo();
    repo.commit("init", { "a.js": "x = 1\n" });
    const key = fakeKey();
    const dir = tempDir();
    const name = `r-${key}-\x1b[2J.txt`;
    const r = await runCli(["scan", repo.dir, "--output", name], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, name))).toBe(true);
    expect(r.stderr).not.toContain(key);
    expect(r.stderr).not.toContain("\x1b");
    expect(r.stderr).toContain(redacted(key));
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });
});
