import type { GitEngine, Selection } from "../git/engine.js";
import { createNativeEngine } from "../git/native/engine.js";
import { scanHistory } from "../findings/scan-history.js";
import { redactAll } from "../findings/redact.js";
import type { ScanOutcome } from "./verdict.js";

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
}

/**
 * Scans what a push adds with the native engine (the only one that sees objects still in
 * quarantine). When the budget runs out every git process is killed and the outcome is
 * `timeout`: a partial scan is never reported as a clean one.
 */
export async function scanPush(opts: ScanPushOptions): Promise<ScanOutcome> {
  if (opts.remainingMs <= 0) return { kind: "timeout", budgetMs: opts.budgetMs };
  const controller = new AbortController();
  const { signal } = controller;
  const timedOut = new Promise<ScanOutcome>((resolve) => {
    signal.addEventListener("abort", () => resolve({ kind: "timeout", budgetMs: opts.budgetMs }), { once: true });
  });
  const timer = setTimeout(() => controller.abort(), opts.remainingMs);

  const skipped = new Set<string>();
  const native = createNativeEngine(opts.repoDir, opts.env, signal);
  const engine = opts.maxBlobBytes === null ? native : capBlobSize(native, opts.maxBlobBytes, (oid) => skipped.add(oid));
  const scanning = scanHistory({ engine, selection: opts.selection, signal }).then(
    (r): ScanOutcome => ({ kind: "scanned", findings: r.findings, stats: r.stats, skippedBlobs: skipped.size, suppressed: r.suppressed ?? [] }),
    (err: unknown): ScanOutcome =>
      signal.aborted ? { kind: "timeout", budgetMs: opts.budgetMs } : { kind: "error", message: redactAll(err instanceof Error ? err.message : String(err)) },
  );
  try {
    return await Promise.race([scanning, timedOut]);
  } finally {
    clearTimeout(timer);
    await engine.close();
  }
}

/**
 * Blobs over the limit reach the detectors empty: a dotenv file is still reported by its
 * path, its contents are not matched. git still inflates them; what the cap saves is the
 * matching, and the count of skipped blobs is shown to the pusher.
 */
function capBlobSize(engine: GitEngine, max: number, onSkip: (oid: string) => void): GitEngine {
  return {
    ...engine,
    async *readBlobs(oids) {
      for await (const blob of engine.readBlobs(oids)) {
        if (blob.bytes.length <= max) yield blob;
        else {
          onSkip(blob.oid);
          yield { oid: blob.oid, bytes: Buffer.alloc(0) };
        }
      }
    },
  };
}
