import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { tempDir } from "../helpers/repo.js";
import type { Remote } from "./push-fixture.js";

/**
 * Puts a `git` first on the hook's PATH that ends itself with SIGTERM when its arguments
 * hold `command` (e.g. `cat-file --batch`, `log`), as an operator's `kill` or the OOM
 * killer would.
 */
export function killGit(remote: Remote, command: string): void {
  const bin = join(tempDir("leakguard-fake-git-"), "bin");
  mkdirSync(bin);
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const wrapper = ["#!/bin/sh", `case " $* " in *" ${command} "*) kill -TERM $$ ;; esac`, `exec '${real}' "$@"`].join("\n");
  writeFileSync(join(bin, "git"), wrapper + "\n");
  chmodSync(join(bin, "git"), 0o755);
  // git puts its exec-path first on a hook's PATH; the wrapper goes in front of that.
  const hook = join(remote.dir, "hooks", "pre-receive");
  renameSync(hook, `${hook}.leakguard`);
  writeFileSync(hook, `#!/bin/sh\nPATH='${bin}':"$PATH" exec '${hook}.leakguard' "$@"\n`);
  chmodSync(hook, 0o755);
  expect(readFileSync(`${hook}.leakguard`, "utf8")).toContain("leakguard");
}
