import cliProgress from "cli-progress";
import { resolve } from "node:path";
import type { CliIo } from "./io.js";
import type { ScrubPhase } from "../scrub/run.js";
import { runScrub } from "../scrub/run.js";
import { describeResult } from "../scrub/describe-result.js";
import { redactAll } from "../findings/redact.js";

const PHASES: Record<ScrubPhase, string> = { rewrite: "rewriting", verify: "re-scanning" };

function progress(io: CliIo) {
  if (!io.stderr.isTTY) return { update: undefined, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: io.stderr, format: "{phase} [{bar}] {value}/{total} commits", hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: ScrubPhase | null = null;
  return {
    update(p: ScrubPhase, done: number, total: number) {
      if (phase !== p) {
        if (phase) bar.stop();
        bar.start(Math.max(total, 1), 0, { phase: PHASES[p].padEnd(11) });
        phase = p;
      }
      bar.update(Math.min(done, total), { phase: PHASES[p].padEnd(11) });
    },
    stop: () => bar.stop(),
  };
}

/** `leakguard scrub`: flags -> rewrite (or preview) -> report. */
export async function runScrubCommand(repo: string, o: Record<string, unknown>, io: CliIo): Promise<void> {
  const bar = progress(io);
  try {
    const result = await runScrub({
      repoPath: resolve(io.cwd, repo),
      env: io.env,
      dryRun: o["dryRun"] === true,
      yes: o["yes"] === true,
      force: o["force"] === true,
      includeTestKeys: o["includeTestKeys"] === true,
      deletePaths: o["deletePath"] as string[],
      deleteBinaryWithKeys: o["deleteBinaryWithKeys"] === true,
      gitignore: o["gitignore"] === true,
      ...(bar.update ? { onProgress: bar.update } : {}),
    });
    bar.stop();
    // Belt and braces: the report is built from redacted values only.
    io.stdout.write(redactAll(describeResult(result).join("\n")) + "\n");
    // The report (refs moved, the push to make) is out either way; an unfinished run is not a success.
    if (result.unfinished) io.stderr.write(redactAll(`[leakguard] scrub did not finish: ${result.unfinished}; run it again to finish\n`));
    io.exitCode = result.unfinished ? 2 : 0;
  } finally {
    bar.stop();
  }
}
