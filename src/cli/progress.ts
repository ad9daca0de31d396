import cliProgress from "cli-progress";
import type { Progress } from "../findings/scan-history.js";

/**
 * A progress bar on stderr for long history scans, only when stderr is a terminal (CI
 * logs and pipes stay clean). The total is the commit count when known.
 */
export function createProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number | null) {
  if (!stream.isTTY) return { update: (_p: Progress) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: total
        ? "scanning history {bar} {percentage}% | {value}/{total} commits | {blobs} blobs | {mb} MB"
        : "scanning history | {value} commits | {blobs} blobs | {mb} MB",
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { blobs: 0, mb: "0.0" });
  return {
    update(p: Progress) {
      bar.update(p.commits, { blobs: p.blobs, mb: (p.bytes / 1e6).toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}
