import type { Writable } from "node:stream";
import type { GitProcess } from "../run-git.js";

/**
 * Turns a git process and a push-parser into an async iterable. Reading is pulled by the
 * consumer, so a slow consumer slows git down instead of buffering the repository.
 */
export async function* parseProcess<T>(
  proc: GitProcess,
  makeParser: (emit: (item: T) => void) => { push(chunk: Buffer): void; end(): void },
): AsyncGenerator<T> {
  const items: T[] = [];
  const parser = makeParser((item) => items.push(item));
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      parser.push(chunk);
      if (items.length) yield* items.splice(0);
    }
    parser.end();
    yield* items.splice(0);
    await proc.done;
  } finally {
    if (proc.exitCode === null) proc.kill();
  }
}

/**
 * Writes lines to a process's stdin with backpressure, then closes it. `batch`: bytes
 * handed to the pipe at a time; each batch waits for the pipe to drain, one turn of a
 * busy event loop, so a long input that a process waits for whole (mktree) goes in big ones.
 */
export async function writeLines(stdin: Writable, lines: AsyncIterable<string> | Iterable<string>, batchBytes = 65536): Promise<void> {
  let batch = "";
  const flush = async () => {
    if (!batch) return;
    const ok = stdin.write(batch);
    batch = "";
    if (!ok) await new Promise<void>((r) => stdin.once("drain", r));
  };
  try {
    for await (const line of lines) {
      batch += line + "\n";
      if (batch.length > batchBytes) await flush();
    }
    await flush();
  } finally {
    stdin.end();
  }
}
