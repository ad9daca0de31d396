import { UsageError } from "../errors.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";

/** Writes a report atomically: a reader never sees half a file, a failure leaves none. */
export function writeOutput(file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
}
