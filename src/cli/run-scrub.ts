import { resolve } from "node:path";
import type { CliIo } from "./io.js";
import { createScrubProgressBar } from "./progress.js";
import { runScrub } from "../scrub/run.js";
import { describeResult } from "../scrub/describe-result.js";
import { redactAll } from "../findings/redact.js";

/** `leakguard scrub`: flags -> rewrite (or preview) -> report. */
export async function runScrubCommand(repo: string, o: Record<string, unknown>, io: CliIo): Promise<void> {
  const bar = createScrubProgressBar(io.stderr);
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
