import type { Selection } from "../git/engine.js";
import { redactAll } from "../findings/redact.js";
import { ScanTimeoutError } from "../errors.js";
import type { ScanWorker } from "../scan-worker/start-scan-worker.js";
import type { ScanOutcome } from "./verdict.js";
import { screenPush } from "./screen-push.js";

export interface ScanPushOptions {
  /** The repository git runs the hook in. */
  repoDir: string;
  /** The hook's environment as git gave it: the quarantine variables must reach git. */
  env: NodeJS.ProcessEnv;
  selection: Selection;
  /** Milliseconds left of the time budget; zero or less times out before starting. */
  remainingMs: number;
  budgetMs: number;
  maxBlobBytes: number | null;
  /** Starts the scan's worker (tests: to see whether one was started); default startScanWorker. */
  startWorker?: () => ScanWorker;
}

/**
 * Scans what a push adds with the native engine (the only one that sees objects still in
 * quarantine). First on this thread through the scan's own prefilter (screen-push.ts):
 * a push where nothing can need a detector is decided there, every object read and
 * counted, with no worker thread started. Otherwise in a worker thread: when the budget
 * runs out the worker is stopped wherever it is, even in the middle of matching hostile
 * content, every git process is killed and the outcome is `timeout`: a partial scan is
 * never reported as a clean one.
 */
export async function scanPush(opts: ScanPushOptions): Promise<ScanOutcome> {
  if (opts.remainingMs <= 0) return { kind: "timeout", budgetMs: opts.budgetMs };
  const deadline = performance.now() + opts.remainingMs;
  try {
    const screen = await screenPush({ repoDir: opts.repoDir, env: opts.env, selection: opts.selection, timeoutMs: opts.remainingMs });
    if (screen.kind === "clean") return { kind: "scanned", findings: [], stats: screen.stats, skippedBlobs: 0, suppressed: [] };
    const start = opts.startWorker ?? (await import("../scan-worker/start-scan-worker.js")).startScanWorker;
    const worker = start();
    const remainingMs = deadline - performance.now();
    if (remainingMs <= 0) {
      await worker.close();
      return { kind: "timeout", budgetMs: opts.budgetMs };
    }
    const job = { kind: "history", dir: opts.repoDir, env: opts.env, selection: opts.selection, maxBlobBytes: opts.maxBlobBytes } as const;
    const done = await worker.run(job, remainingMs);
    if (done.kind !== "history") throw new Error("scan worker answered another job");
    return { kind: "scanned", findings: done.result.findings, stats: done.result.stats, skippedBlobs: done.skippedBlobs, suppressed: done.result.suppressed ?? [] };
  } catch (err) {
    if (err instanceof ScanTimeoutError) return { kind: "timeout", budgetMs: opts.budgetMs };
    return { kind: "error", message: redactAll(err instanceof Error ? err.message : String(err)) };
  }
}
