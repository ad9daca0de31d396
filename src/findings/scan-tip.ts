import { LeakguardError } from "../errors.js";
import type { Finding } from "./finding.js";
import { scanHistory } from "./scan-history.js";
import { treeAtCommit } from "../objects/tree-at-commit.js";

// Findings in the tree of one commit (the default branch tip): "is the key still there?".
// A history scan attributes a blob to the commit that introduced it; this asks about the
// files as they are now. It is the CLI's own scan (src/objects/walk-objects.ts, the views
// of src/objects/views/) given the tip's tree as its one root (objects/tree-at-commit.ts):
// the same shapes are found (a key in an archive member, in base64, behind escapes, in a
// file name), big blobs are read in windows, and what could not be read is known (issue
// 10: an app that misses a key in a .jar at the tip would tell the owner it is gone).
// Callers run it in a scan worker (scan-worker/run-scan-job.ts), under a time budget:
// `signal` kills its git processes.

export async function scanTip(dir: string, commit: string, signal?: AbortSignal): Promise<Finding[]> {
  const { engine, selection } = await treeAtCommit(dir, commit, signal);
  try {
    const result = await scanHistory({ engine, selection, ...(signal ? { signal } : {}) });
    // "Not in the tip" is only an answer once every file of the tip was read whole.
    if (result.stats.incomplete) {
      const why = result.unread?.[0] ? `${result.unread[0].path} (${result.unread[0].reason})` : `object ${result.stats.unreadObjects[0] ?? "?"} could not be read`;
      throw new LeakguardError(`the tip ${commit.slice(0, 12)} could not be fully scanned, so whether a key is still there is unknown: ${why}`, { commit, unread: result.stats.unreadObjects.length });
    }
    return result.findings;
  } finally {
    await engine.close();
  }
}
