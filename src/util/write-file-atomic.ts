import { randomBytes } from "node:crypto";
import { chmodSync, renameSync, unlinkSync, writeFileSync } from "node:fs";

// The one way leakguard replaces a file (reports, baselines, hooks, scrub records): a reader
// sees the old file or the whole new one, never half of it, and a failure leaves nothing.

/**
 * Writes a temp file beside `file`, then renames it over. The temp file is created
 * exclusively (a link planted at its name is never followed) and rename replaces a link at
 * `file` instead of writing through it. With `mode` the file gets exactly that mode,
 * whatever the umask; without it, git-like defaults (0666 less the umask).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(tmp, data, { flag: "wx", ...(mode === undefined ? {} : { mode }) });
    if (mode !== undefined) chmodSync(tmp, mode); // the open mode is cut by the umask
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw err;
  }
}
