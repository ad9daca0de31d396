import { spawn, spawnSync } from "node:child_process";
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { GitError } from "../errors.js";

// The only place that starts `git`. Argument arrays, never shell strings; GIT_* variables
// pass through untouched because a pre-receive hook depends on the quarantine ones.
// Two are always forced (issue 8): replace refs never change what is read (a pushed
// `refs/replace/<leak>` would otherwise show a clean decoy in place of the leaking
// commit), and a partial clone never fetches what it lacks behind the scan's back (a
// missing object is reported as unread instead; git before 2.44 ignores the variable,
// and the scan still names what it did not get).

export interface GitOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Kills git when aborted (the pre-receive hook's time budget). */
  signal?: AbortSignal;
}

const BASE_ENV = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", GIT_NO_REPLACE_OBJECTS: "1", GIT_NO_LAZY_FETCH: "1" };

const available = new Map<string, boolean>(); // PATH -> found
/** Whether a usable `git` binary is on `env`'s PATH (the native engine needs one). */
export function hasGitBinary(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = env["PATH"] ?? "";
  let found = available.get(path);
  if (found === undefined) {
    // spawn looks the command up on the PATH of the env it is given
    found = spawnSync("git", ["--version"], { stdio: "ignore", env }).status === 0;
    available.set(path, found);
  }
  return found;
}

/** git's own reason, on one line: the first line of its stderr without the `fatal:` label. */
export function firstLine(stderr: string): string {
  return stderr.split("\n").find((l) => l.trim() !== "")?.replace(/^(fatal|error): /, "") ?? "";
}

/** The git command in `args`, past the global options (`-c k=v`, `-C dir`), for messages. */
function commandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-c" || args[i] === "-C") i++;
    else if (!args[i]!.startsWith("-")) return args[i]!;
  }
  return args[0] ?? "";
}

/** Why git failed, for a message: its reason, or the signal that ended it. */
function failure(args: readonly string[], code: number | null, signal: NodeJS.Signals | null, stderr: string): GitError {
  const why = signal ? `killed by ${signal}` : firstLine(stderr) || `exit status ${code}`;
  return new GitError(`git ${commandOf(args)} failed: ${why}`, code, stderr);
}

/** Where this thread's git() calls run instead of here (scan-worker/git-runner.ts); null: here. */
let elsewhere: ((args: readonly string[], opts: GitOptions) => Promise<Buffer>) | null = null;

/**
 * Sends this thread's git() calls to `run` from now on (null: back to here). Each thread has
 * its own copy of this module, so the setting is the calling thread's. Starting a process
 * holds the starting thread for the fork and exec, milliseconds each and more on a busy
 * machine: the app's main thread answers webhooks, so its git starts elsewhere.
 */
export function runGitElsewhere(run: typeof elsewhere): void {
  elsewhere = run;
}

/** Runs git to completion and returns stdout; a non-zero exit throws GitError. */
export function git(args: readonly string[], opts: GitOptions): Promise<Buffer> {
  return elsewhere ? elsewhere(args, opts) : gitHere(args, opts);
}

/** git(), on this thread whatever runGitElsewhere says. */
export function gitHere(args: readonly string[], opts: GitOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), ...BASE_ENV },
      stdio: ["pipe", "pipe", "pipe"],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e) => reject(new GitError(`cannot run git: ${e.message}`, null, "")));
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) resolve(Buffer.concat(out));
      else reject(failure(args, code, signal, stderr));
    });
    child.stdin.on("error", () => {}); // git may exit before reading all input; its exit code tells
    child.stdin.end(opts.input ?? "");
  });
}

export async function gitText(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await git(args, opts)).toString("utf8");
}

export type GitProcess = ChildProcessByStdio<Writable, Readable, Readable> & {
  /**
   * Resolves when git exits 0, rejects with GitError otherwise, including when git ends by
   * a signal: a git killed from outside (SIGTERM from an operator, the OOM killer) has
   * written only part of its answer, and that part must never pass for all of it.
   */
  done: Promise<void>;
};

/** A long-lived git process whose stdout the caller streams (cat-file --batch, log, fast-export). */
export function spawnGit(args: readonly string[], opts: Omit<GitOptions, "input">): GitProcess {
  const child = spawn("git", args, {
    cwd: opts.cwd,
    env: { ...(opts.env ?? process.env), ...BASE_ENV },
    stdio: ["pipe", "pipe", "pipe"],
    ...(opts.signal ? { signal: opts.signal } : {}),
  }) as GitProcess;
  const err: Buffer[] = [];
  child.stderr.on("data", (c: Buffer) => err.push(c));
  child.stdin.on("error", () => {});
  child.done = new Promise((resolve, reject) => {
    child.on("error", (e) => reject(new GitError(`cannot run git: ${e.message}`, null, "")));
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) resolve();
      else reject(failure(args, code, signal, stderr));
    });
  });
  child.done.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  return child;
}
