import type { Selection } from "../git/engine.js";
import type { ScanStats } from "../findings/finding.js";
import { ScanTimeoutError } from "../errors.js";
import { emptyStats } from "../findings/collector.js";
import { SCAN_READS } from "../findings/scan-history.js";
import { createNativeEngine } from "../git/native/engine.js";
import { walkObjects } from "../objects/walk-objects.js";

// Most pushes hold nothing a detector must look at: no key marker, no archive signature,
// no encoded key prefix, no dotenv path. Starting the scan's worker thread for them costs
// every push the thread's start-up (issue 8: a stoppable scan must not cost a push more
// than the scan it replaced). So the hook first walks the push here, on its own thread,
// through the very filter the scan reads with (SCAN_READS.blobs): every object is read and
// counted, and only a push where something passes goes on to the worker, which scans it
// in full. Nothing here is superlinear: the filter is a fixed set of indexOf searches per
// streamed piece, so the timer below fires between pieces whatever the content.

export interface ScreenPushOptions {
  repoDir: string;
  env: NodeJS.ProcessEnv;
  selection: Selection;
  /** Milliseconds left of the budget: at the deadline every git process is killed. */
  timeoutMs: number;
}

/**
 * `clean`: every object the push adds was read, and none holds anything a detector could
 * match (the stats are the scan's own). `detectors`: something passed the filter, or an
 * object could not be read; the full scan decides (and names what it could not read).
 * A git child that fails or is killed throws its GitError; the deadline throws ScanTimeoutError.
 */
export type Screen = { kind: "clean"; stats: ScanStats } | { kind: "detectors" };

export async function screenPush(opts: ScreenPushOptions): Promise<Screen> {
  const started = performance.now();
  const controller = new AbortController();
  const timeout = new ScanTimeoutError(`the scan did not finish within ${opts.timeoutMs} ms`, { timeoutMs: opts.timeoutMs });
  const timer = setTimeout(() => controller.abort(timeout), Math.max(0, opts.timeoutMs));
  const engine = createNativeEngine(opts.repoDir, opts.env, controller.signal);
  try {
    // The walk asks these two one after the other; asked together here, their git processes
    // run side by side and the engine keeps both answers. (engine.open() would be a third,
    // sequential one: git runs the hook inside the repository, and a git that refuses it
    // fails these the same way, which rejects the push.)
    await Promise.all([engine.isShallow(), engine.types(opts.selection.include ?? [])]);
    const stats = emptyStats();
    // Messages through the blob filter too, a superset of the scan's own: the screen errs
    // towards the full scan.
    const walked = walkObjects(engine, opts.selection, { blobs: SCAN_READS.blobs, keepPath: SCAN_READS.keepPath });
    for await (const blob of walked.blobs) {
      // Content handed on (whole or a window) passed the filter; an unread object is the scan's to name.
      if ("unread" in blob || "window" in blob || blob.bytes !== null) return { kind: "detectors" };
      stats.blobs++;
      stats.bytes += blob.size;
    }
    const index = await walked.index();
    controller.signal.throwIfAborted();
    // What the scan reads again or matches besides blob content: dotenv paths (read whatever
    // they hold), archives by name, messages that passed the filter, key-shaped paths.
    if (index.unread.length || index.messages.length || index.dotenvAt.size || index.keyedPaths.size || index.archiveNamed.size) return { kind: "detectors" };
    stats.commits = index.commits;
    stats.submodules = index.submodules;
    stats.partial = index.shallow;
    stats.ms = Math.round(performance.now() - started);
    return { kind: "clean", stats };
  } catch (err) {
    // A git process killed at the deadline fails with its own error: the deadline is the reason.
    if (controller.signal.reason === timeout) throw timeout;
    throw err;
  } finally {
    clearTimeout(timer);
    // Ends every git process still running (an early answer leaves readers behind).
    if (!controller.signal.aborted) controller.abort();
    await engine.close();
  }
}
