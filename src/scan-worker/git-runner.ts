import { Worker } from "node:worker_threads";
import { GitError } from "../errors.js";
import type { GitOptions } from "../git/run-git.js";
import { runGitElsewhere } from "../git/run-git.js";

// A thread that starts the main thread's git processes (git-runner-thread.ts). Node starts a
// child synchronously: fork, then a wait until the child has exec'd, which took 3 to 7 ms a
// git here and far longer while the machine is busy, the whole time holding the thread that
// started it. The app's main thread answers GitHub's webhooks, and a burst's jobs start
// several git a push (fetch, ref lists, object checks): each one held every acknowledgement
// behind it. Here only the runner's own loop waits.

type Reply = { id: number; data: Uint8Array } | { id: number; error: { message: string; exitCode: number | null; stderr: string } };

interface Runner {
  run(args: readonly string[], opts: GitOptions): Promise<Buffer>;
}

function startRunner(nice: number): Runner {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: unknown) => void }>();
  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new GitError(`cannot run git: ${why}`, null, ""));
    pending.clear();
    worker = null;
  };
  const thread = (): Worker => {
    if (worker) return worker;
    const w = new Worker(new URL("./git-runner-thread.js", import.meta.url), { workerData: { nice } });
    w.on("message", (m: Reply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref(); // an idle runner never keeps the process alive
      if ("data" in m) p.resolve(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      else p.reject(new GitError(m.error.message, m.error.exitCode, m.error.stderr));
    });
    // A runner that died fails what it held; the next call starts another.
    w.on("error", (err) => worker === w && failAll(`the git runner thread failed: ${err.message}`));
    w.on("exit", (code) => worker === w && failAll(`the git runner thread exited (${code})`));
    w.unref();
    return (worker = w);
  };
  return {
    run(args, opts) {
      if (opts.signal?.aborted) return Promise.reject(new GitError(`git ${args[0] ?? ""} failed: aborted`, null, ""));
      const w = thread();
      const id = nextId++;
      const { signal, ...rest } = opts;
      const onAbort = () => w.postMessage({ abort: id });
      return new Promise<Buffer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        // The environment as this thread has it now: the app strips its secrets from
        // process.env after start-up, and a thread's process.env is a copy from its creation.
        w.postMessage({ id, args, opts: { ...rest, env: { ...(rest.env ?? process.env) } } });
        signal?.addEventListener("abort", onAbort, { once: true });
      }).finally(() => signal?.removeEventListener("abort", onAbort)); // a signal shared by many calls keeps no listener per call
    },
  };
}

let shared: Runner | null = null;

/**
 * From now on the main thread's git() calls start their processes from the runner thread,
 * at `nice` below normal (the thread's priority, inherited by what it starts). Idempotent.
 */
export function runMainThreadGitOffThread(opts: { nice?: number } = {}): void {
  shared ??= startRunner(opts.nice ?? 0);
  const runner = shared;
  runGitElsewhere((args, o) => runner.run(args, o));
}
