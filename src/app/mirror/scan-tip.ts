import { DETECTORS, isDotenvPath, mayHoldStripeKey } from "../../detectors/index.js";
import { createCollector, emptyStats } from "../../findings/collector.js";
import type { Finding } from "../../findings/finding.js";
import { createNativeEngine } from "../../git/native/engine.js";
import { listTreeEntries } from "../../git/trees.js";

// Findings in the tree of one commit (the default branch tip): "is the key still there?".
// A history scan attributes a blob to the commit that introduced it; this asks about the
// files as they are now. Callers run it in a scan worker (scan-worker/run-scan-job.ts),
// under a time budget: `signal` kills its git processes.

export async function scanTip(dir: string, commit: string, signal?: AbortSignal): Promise<Finding[]> {
  const opts = { cwd: dir, ...(signal ? { signal } : {}) };
  const pathsOf = new Map<string, string[]>();
  for (const { type, oid, path } of await listTreeEntries(commit, opts, { recursive: true })) {
    if (type !== "blob" || !oid) continue;
    // push, not spread: one blob at 100,000 paths must not copy its list 100,000 times
    const paths = pathsOf.get(oid);
    if (paths) paths.push(path);
    else pathsOf.set(oid, [path]);
  }
  const collector = createCollector(DETECTORS, new Set(), emptyStats());
  const meta = { oid: commit, author: "", date: "" };
  for await (const { oid, bytes } of createNativeEngine(dir, process.env, signal).readBlobs(pathsOf.keys())) {
    for (const path of pathsOf.get(oid) ?? []) {
      if (!mayHoldStripeKey(bytes) && !isDotenvPath(path)) continue;
      collector.run(path, bytes, { path, commit: meta, blob: oid, source: "file" });
    }
  }
  signal?.throwIfAborted();
  return collector.findings;
}
