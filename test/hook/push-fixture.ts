import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { installHook } from "../../src/hook/install.js";
import { GIT_TEST_ENV, repoAt, runGit, tempDir } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";

// A real server side for push tests: bare repositories under one root, the hook installed
// by our own installer, reached over file:// or over smart HTTP (git http-backend).

const NO_TIMEOUT_MS = 600_000;

export interface Remote {
  dir: string;
  url: string;
  /** Every ref and the object it points at: compared before and after a rejected push. */
  refs(): string;
  has(oid: string): boolean;
  install(opts?: { chain?: boolean }): Promise<void>;
}

export interface PushResult {
  status: number;
  output: string;
}

export interface RemoteOptions {
  /** leakguard-hook.yml contents. */
  config?: string;
  /** receive.advertisePushOptions: without it, git clients refuse to send -o. */
  pushOptions?: boolean;
  /** Create without the hook (to seed history the hook never saw); call install() later. */
  install?: boolean;
}

export function createPushFixture(opts: { cli: string; baseUrl: () => string | null; root?: string }) {
  const root = opts.root ?? tempDir("leakguard-remotes-");
  let n = 0;

  async function makeRemote(ro: RemoteOptions = {}): Promise<Remote> {
    const name = `r${++n}.git`;
    const dir = join(root, name);
    runGit(root, ["init", "-q", "--bare", "--initial-branch=main", dir]);
    runGit(dir, ["config", "http.receivepack", "true"]);
    if (ro.pushOptions) runGit(dir, ["config", "receive.advertisePushOptions", "true"]);
    // Tests never depend on timing: a budget no loaded CI machine exceeds, unless a test sets one.
    const config = ro.config ?? "";
    writeFileSync(join(dir, "leakguard-hook.yml"), /timeBudgetMs/.test(config) ? config : `timeBudgetMs: ${NO_TIMEOUT_MS}\n${config}`);
    const base = opts.baseUrl();
    const remote: Remote = {
      dir,
      url: base ? `${base}/${name}` : `file://${dir}`,
      refs: () => runGit(dir, ["for-each-ref", "--format=%(objectname) %(refname)"]),
      has: (oid) => spawnSync("git", ["cat-file", "-e", oid], { cwd: dir, env: GIT_TEST_ENV }).status === 0,
      install: async (io = {}) => {
        await installHook({ repo: dir, cli: opts.cli, chain: io.chain ?? false });
      },
    };
    if (ro.install ?? true) await remote.install();
    return remote;
  }

  function cloneOf(remote: Remote): TestRepo {
    const dir = join(tempDir("leakguard-clone-"), "work");
    runGit(root, ["clone", "-q", remote.url, dir]);
    return repoAt(dir);
  }

  function push(repo: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}): PushResult {
    const r = spawnSync("git", ["push", ...args], { cwd: repo.dir, env: { ...GIT_TEST_ENV, GIT_PUSHER: "ada", ...env }, encoding: "utf8" });
    return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
  }

  return { makeRemote, cloneOf, push };
}
