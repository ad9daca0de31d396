/**
 * What a command may touch of the outside world. Injected so that tests run commands
 * in-process with captured streams; only src/cli/ ever sees process.stdout or exits.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Set by a command: 0 nothing found, 1 findings / push rejected, 2 error. */
  exitCode: number;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd(), exitCode: 0 };
}
