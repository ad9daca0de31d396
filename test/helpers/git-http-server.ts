import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Repositories served over smart HTTP on loopback by `git http-backend`, for tests that
// push or fetch the way a real server is reached. The server is a separate process, so
// tests may run git synchronously against it. Pushing needs `http.receivepack=true` in
// the repository (or a remoteUser, which http-backend treats as an authenticated pusher).

export interface GitHttpServer {
  /** http://127.0.0.1:PORT; a repository ROOT/name.git is at `${url}/name.git`. */
  url: string;
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  root: string;
  /** Passed to git as REMOTE_USER: the authenticated user a front end would name. */
  remoteUser?: string;
  /** Environment for http-backend and so for the hooks it runs. */
  env?: NodeJS.ProcessEnv;
}

// Beside this file; from the repository root when a benchmark bundles this module elsewhere.
const SCRIPT = [join(dirname(fileURLToPath(import.meta.url)), "git-http-backend.mjs"), resolve("test/helpers/git-http-backend.mjs")].find((p) => existsSync(p))!;

export function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const child = spawn(process.execPath, [SCRIPT, opts.root, ...(opts.remoteUser ? [opts.remoteUser] : [])], {
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`git http server exited early (${code})`)));
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        close: async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}
