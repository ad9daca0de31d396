import { PassThrough } from "node:stream";
import { run } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams, as a user would call it from `cwd`. */
export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on("data", (c: Buffer) => chunks.out.push(c));
  err.on("data", (c: Buffer) => chunks.err.push(c));
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? "");
  const io: CliIo = { stdout: out, stderr: err, stdin, env: { ...process.env, ...opts.env }, cwd: opts.cwd ?? process.cwd(), exitCode: 0 };
  const code = await run(args, io);
  return { code, stdout: Buffer.concat(chunks.out).toString("utf8"), stderr: Buffer.concat(chunks.err).toString("utf8") };
}
