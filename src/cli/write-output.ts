import { renameSync, writeFileSync, unlinkSync } from "node:fs";
import { UsageError } from "../errors.js";

/** Writes a report atomically: a reader never sees half a file, a failure leaves none. */
export function writeOutput(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created
    }
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
}
