// Parses a raw commit object ourselves rather than through isomorphic-git's GitCommit: we
// need the message as the exact bytes `git log --format=%B` prints (not a decoded string)
// and the author date in the form `%aI` prints.

import { isoDate } from "../iso-date.js";

export interface ParsedCommit {
  tree: string;
  parents: string[];
  /** `Name <email>`, as `%an <%ae>`. */
  author: string;
  /** Strict ISO 8601 in the author's own offset, as `%aI` (`2023-11-14T22:14:20+01:00`). */
  date: string;
  /** Committer time in seconds: what git log orders by. */
  time: number;
  message: Buffer;
}

export function parseCommit(raw: Buffer): ParsedCommit {
  const split = raw.indexOf("\n\n");
  const head = raw.subarray(0, split === -1 ? raw.length : split).toString("utf8");
  const commit: ParsedCommit = { tree: "", parents: [], author: "", date: "", time: 0, message: Buffer.alloc(0) };
  for (const line of head.split("\n")) {
    const sp = line.indexOf(" ");
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === "tree") commit.tree = value;
    else if (key === "parent") commit.parents.push(value);
    else if (key === "author") {
      const id = parseIdent(value);
      commit.author = id.name;
      commit.date = isoDate(id.seconds, id.offset);
    } else if (key === "committer") commit.time = parseIdent(value).seconds;
    // continuation lines (gpgsig, mergetag) start with a space and are not needed
  }
  commit.message = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 2);
  return commit;
}

/** "Name <email> 1700000000 +0130" -> name part, seconds, offset ("+0130"). */
function parseIdent(value: string): { name: string; seconds: number; offset: string } {
  const close = value.lastIndexOf(">");
  const [seconds = "0", offset = "+0000"] = value.slice(close + 1).trim().split(" ");
  return { name: value.slice(0, close + 1), seconds: Number(seconds), offset };
}
