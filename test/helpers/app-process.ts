import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

// `leakguard app` as its own process, as it runs in production: so that a test can kill it
// for real (SIGKILL) and a benchmark can run instances side by side on separate cores.

export interface AppProcess {
  proc: ChildProcess;
  url: string;
  /** Every log line it printed so far. */
  logs: string[];
  stop(): Promise<void>;
}

/** Starts `node CLI app` with exactly `env` (plus PATH) and waits until it listens on its ephemeral port. `nodeArgs`: options for node itself (a benchmark's `--cpu-prof`). */
export async function startAppProcess(cli: string, env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<AppProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, cli, "app"], { env: { PATH: process.env["PATH"] ?? "", PORT: "0", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  const stderr: string[] = [];
  proc.stderr!.on("data", (c: Buffer) => stderr.push(c.toString()));
  const lines = createInterface({ input: proc.stdout! });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (l) => {
      logs.push(l);
      try {
        const entry = JSON.parse(l) as { msg?: string; port?: number };
        if (entry.msg === "leakguard app listening" && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    proc.once("exit", (code) => reject(new Error(`leakguard app exited with ${code}: ${stderr.join("").trim()}`)));
  });
  return {
    proc,
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}
