import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";

// Until a package is published, people install leakguard from a tarball made with
// `npm pack` (docs: README "Install"). The tarball must hold the compiled CLI and build
// nothing at install (its dependencies come from the registry as usual), and the
// installed `leakguard` must run from any directory.
//
// The pack runs in a copy of the package's sources (node_modules linked in), so the test
// never rewrites this checkout's dist/. The install uses the npm cache first
// (--prefer-offline) and skips dependencies' install scripts: the one with a script is
// better-sqlite3, the app's native store, which `leakguard scan` never loads, and its
// build is its own matter, not this package's.

const SOURCES = ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "README.md", "app.yml", "src", "hooks", "scripts"];
const MINUTES = 60_000;

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
}

describe("the npm pack tarball", () => {
  it(
    "installs into a temporary prefix without building, and its leakguard scans a repository from another directory",
    () => {
      const src = tempDir("leakguard-pack-src-");
      for (const f of SOURCES) cpSync(join(PACKAGE_ROOT, f), join(src, f), { recursive: true });
      symlinkSync(join(PACKAGE_ROOT, "node_modules"), join(src, "node_modules"));
      const out = tempDir("leakguard-pack-");
      const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", out], src)) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = packed!.files.map((f) => f.path);
      expect(files).toContain("dist/cli/main.js");
      expect(files).toContain("hooks/pre-receive");
      expect(files).toContain("scripts/ci-scan.sh"); // docs/ci.md runs it from the installed package
      expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);

      const prefix = tempDir("leakguard-prefix-");
      const tarball = join(out, packed!.filename);
      npm(["install", "--prefix", prefix, "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball], tempDir());
      const installed = join(prefix, "node_modules", "leakguard");
      // Nothing was compiled at install: what runs is exactly what the tarball carried.
      expect(existsSync(join(installed, "src"))).toBe(false);
      expect(readdirSync(join(installed, "dist", "cli"))).toContain("main.js");

      const repo = makeRepo();
      const key = fakeKey();
      repo.commit("leak", { "config/pay.js": `const k = "${key}";\n` });
      const bin = join(prefix, "node_modules", ".bin", "leakguard");
      const elsewhere = tempDir("leakguard-cwd-");
      const scan = spawnSync(bin, ["scan", repo.dir, "--no-progress"], { cwd: elsewhere, encoding: "utf8" });
      expect(scan.stderr).toBe("");
      expect(scan.status).toBe(1);
      expect(scan.stdout).toContain(redacted(key));
      expect(scan.stdout).not.toContain(key);
      const history = spawnSync(bin, ["scan", "--history", repo.dir, "--no-progress", "--format", "json"], { cwd: elsewhere, encoding: "utf8" });
      expect(history.status).toBe(1);

      // The installed CLI installs a hook that runs it by absolute path.
      const bare = makeRepo({ bare: true });
      const hook = spawnSync(bin, ["hook", "install", "--repo", bare.dir], { cwd: elsewhere, encoding: "utf8" });
      expect(hook.status).toBe(0);
      expect(execFileSync("cat", [join(bare.dir, "hooks", "pre-receive")], { encoding: "utf8" })).toContain(join(installed, "dist", "cli", "main.js"));
    },
    20 * MINUTES,
  );
});
