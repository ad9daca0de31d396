import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";

// Real repositories built with the git binary in temp folders, removed after the file's tests.

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = "leakguard-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Ada Dev",
  GIT_AUTHOR_EMAIL: "ada@example.com",
  GIT_COMMITTER_NAME: "Ada Dev",
  GIT_COMMITTER_EMAIL: "ada@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export function runGit(cwd: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync("git", args, { cwd, env: { ...ENV, ...env }, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

let tick = 0;
/** Each commit gets a distinct, increasing date so that attribution order is deterministic. */
function dateEnv(): NodeJS.ProcessEnv {
  const d = `${1700000000 + ++tick * 60} +0000`;
  return { GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d };
}

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(path: string, content: string | Buffer): void;
  remove(path: string): void;
  /** Writes the files given (null deletes), stages everything and commits; returns the commit id. */
  commit(message: string, files?: Record<string, string | Buffer | null>): string;
  head(): string;
}

export function makeRepo(opts: { bare?: boolean; branch?: string } = {}): TestRepo {
  const dir = tempDir("leakguard-repo-");
  execFileSync("git", ["init", "-q", `--initial-branch=${opts.branch ?? "main"}`, ...(opts.bare ? ["--bare"] : []), dir], { env: ENV });
  return repoAt(dir);
}

export function repoAt(dir: string): TestRepo {
  const repo: TestRepo = {
    dir,
    git: (...args) => runGit(dir, args, undefined, dateEnv()),
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    remove(path) {
      rmSync(join(dir, path), { force: true, recursive: true });
    },
    commit(message, files = {}) {
      for (const [p, c] of Object.entries(files)) {
        if (c === null) repo.remove(p);
        else repo.write(p, c);
      }
      runGit(dir, ["add", "-A"]);
      runGit(dir, ["commit", "-q", "--allow-empty", "-m", message], undefined, dateEnv());
      return repo.head();
    },
    head: () => runGit(dir, ["rev-parse", "HEAD"]).trim(),
  };
  return repo;
}

export { ENV as GIT_TEST_ENV };
