import { git } from "../git/run-git.js";
import type { ProgressTotals } from "./progress.js";

/**
 * What a full-history scan reads, for the progress bar's totals: the commits of every
 * ref, and every blob in the object store (the native engine reads them all, reachable
 * or not), with their sizes. Nothing is inflated. Null when git cannot say.
 */
export async function countHistory(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<ProgressTotals | null> {
  try {
    const [count, listed] = await Promise.all([
      git(["rev-list", "--count", "--all"], { cwd: dir, env }),
      git(["cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectsize)"], { cwd: dir, env }),
    ]);
    let blobs = 0;
    let bytes = 0;
    const text = listed.toString("latin1");
    for (let at = 0; at < text.length; ) {
      const end = text.indexOf("\n", at);
      const line = text.slice(at, end === -1 ? text.length : end);
      at = end === -1 ? text.length : end + 1;
      if (!line.startsWith("blob ")) continue;
      blobs++;
      bytes += Number(line.slice(5));
    }
    return { commits: Number(count.toString().trim()), blobs, bytes };
  } catch {
    return null;
  }
}
