import type { BlobContent, BlobFilter, BlobIds, BlobRead, GitEngine, Selection } from "../git/engine.js";
import type { Finding, ScanResult } from "../findings/finding.js";
import type { BatchEntry, BatchPush } from "./scan-batch.js";

// What a scan worker runs: plain data in, plain data out, so that both cross the thread
// boundary by structured clone. The modules each job needs load on first use: the hook's
// worker never loads the tip scan (findings/scan-tip.ts), which only the app asks for.

export type ScanJob =
  | {
      kind: "history";
      dir: string;
      /** The environment git runs with (a hook's quarantine variables must reach it). */
      env: NodeJS.ProcessEnv;
      selection: Selection;
      /** Blobs larger than this reach the detectors empty (and are counted); null: no limit. */
      maxBlobBytes: number | null;
    }
  | { kind: "tip"; dir: string; commit: string }
  /** The app's pushes of one batch, scanned as one (scan-worker/scan-batch.ts). */
  | { kind: "batch"; dir: string; env: NodeJS.ProcessEnv; pushes: BatchPush[]; refs: Array<[string, string]> };

export type ScanJobResult =
  | { kind: "history"; result: ScanResult; skippedBlobs: number }
  | { kind: "tip"; findings: Finding[] }
  | { kind: "batch"; entries: BatchEntry[] };

/** Runs one job; `signal` kills every git process the job started. */
export async function runScanJob(job: ScanJob, signal: AbortSignal): Promise<ScanJobResult> {
  if (job.kind === "batch") {
    const { scanBatch } = await import("./scan-batch.js");
    return { kind: "batch", entries: await scanBatch(job.dir, job.env, job.pushes, job.refs, signal) };
  }
  if (job.kind === "tip") {
    const { scanTip } = await import("../findings/scan-tip.js");
    return { kind: "tip", findings: await scanTip(job.dir, job.commit, signal) };
  }
  const [{ createNativeEngine }, { scanHistory }] = await Promise.all([import("../git/native/engine.js"), import("../findings/scan-history.js")]);
  const skipped = new Set<string>();
  const native = createNativeEngine(job.dir, job.env, signal);
  const engine = job.maxBlobBytes === null ? native : capBlobSize(native, job.maxBlobBytes, (oid) => skipped.add(oid));
  try {
    const result = await scanHistory({ engine, selection: job.selection, signal });
    return { kind: "history", result, skippedBlobs: skipped.size };
  } finally {
    await engine.close();
  }
}

/**
 * Blobs over the limit reach the detectors empty: a dotenv file is still reported by its
 * path, its contents are not matched. git still inflates them; what the cap saves is the
 * matching, and the count of skipped blobs is shown to the pusher. The caller's filter
 * goes through to the engine (without it every blob would be gathered whole, and a
 * missing one would fail the read instead of being named as unread); only blobs whose
 * content would reach the detectors count as skipped.
 */
function capBlobSize(engine: GitEngine, max: number, onSkip: (oid: string) => void): GitEngine {
  function readBlobs(oids: BlobIds): AsyncIterable<BlobContent>;
  function readBlobs(oids: BlobIds, filter: BlobFilter): AsyncIterable<BlobRead>;
  function readBlobs(oids: BlobIds, filter?: BlobFilter): AsyncIterable<BlobRead> {
    return capped(oids, filter);
  }
  async function* capped(oids: BlobIds, filter?: BlobFilter): AsyncGenerator<BlobRead> {
    // Blobs whose windows were held back: their end (a SkippedBlob) is handed on empty.
    const cut = new Set<string>();
    for await (const blob of filter ? engine.readBlobs(oids, filter) : engine.readBlobs(oids)) {
      if ("window" in blob) {
        if (!cut.has(blob.oid) && blob.window.offset + blob.bytes.length <= max) yield blob;
        else cut.add(blob.oid);
      } else if (blob.bytes !== null && blob.bytes.length > max) {
        onSkip(blob.oid);
        yield { oid: blob.oid, bytes: Buffer.alloc(0) };
      } else if (blob.bytes === null && cut.delete(blob.oid)) {
        onSkip(blob.oid);
        yield { oid: blob.oid, bytes: Buffer.alloc(0) };
      } else yield blob;
    }
  }
  return { ...engine, readBlobs };
}
