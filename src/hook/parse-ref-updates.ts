import { UsageError } from "../errors.js";

// git feeds pre-receive one `<old> <new> <ref>` line per ref the push touches; a push
// may carry many (`git push --all`, `--mirror`, branch + tag), and every one counts.

export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

/** SHA-1 (40) or SHA-256 (64) object names. */
const LINE = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (\S.*)$/;

/** Parses the whole of hook stdin; a malformed line is a UsageError (git never sends one). */
export function parseRefUpdates(input: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const raw of input.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") continue;
    const m = LINE.exec(line);
    if (!m) throw new UsageError(`pre-receive: cannot read ref update line ${JSON.stringify(line.slice(0, 120))}`);
    updates.push({ old: m[1]!, new: m[2]!, ref: m[3]! });
  }
  return updates;
}
