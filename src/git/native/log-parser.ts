import type { Change, CommitChanges } from "../engine.js";
import { isZeroOid } from "../refs.js";

// Parses `git log -z --raw --format=%x01%H%x00%an <%ae>%x00%aI%x00%B` incrementally.
// With -z every field ends in NUL: \x01<oid>, author, date, message, then pairs of
// `:<modes> <oids> <status>` and `<path>`. A message cannot hold NUL, so NUL framing is exact.

export const LOG_FORMAT = "--format=%x01%H%x00%an <%ae>%x00%aI%x00%B";
const GITLINK = "160000";

export function createLogParser(onCommit: (c: CommitChanges) => void): {
  push(chunk: Buffer): void;
  end(): void;
} {
  // The pieces of a token still open (no NUL yet): joined once, when it ends, so that a
  // hostile message or path of many chunks costs linear time, not a copy per chunk.
  let open: Buffer[] = [];
  let current: CommitChanges | null = null;
  let field = 0; // 0 oid, 1 author, 2 date, 3 message, 4 entry header, 5 entry path
  let header = "";

  const flush = () => {
    if (current) onCommit(current);
    current = null;
  };

  const token = (t: Buffer) => {
    let s = t.toString("utf8");
    if (field >= 4) s = s.replace(/^\n+/, "");
    if (field !== 5 && s.startsWith("\x01")) {
      flush();
      current = {
        commit: { oid: s.slice(1), author: "", date: "" },
        message: Buffer.alloc(0),
        changes: [],
        gitlinks: 0,
      };
      field = 1;
      return;
    }
    if (!current) return;
    switch (field) {
      case 1:
        current.commit.author = s;
        field = 2;
        return;
      case 2:
        // git 2.45+ prints a zero offset as "Z"; keep one form whatever git is installed
        current.commit.date = s.endsWith("Z") ? `${s.slice(0, -1)}+00:00` : s;
        field = 3;
        return;
      case 3:
        current.message = Buffer.from(t);
        field = 4;
        return;
      case 4:
        if (s === "") return;
        header = s;
        field = 5;
        return;
      case 5: {
        // ":100644 100644 <old> <new> M"
        const [, newMode, , newOid, status] = header.slice(1).split(" ");
        field = 4;
        if (!newOid || isZeroOid(newOid) || status === "D") return;
        if (newMode === GITLINK) {
          current.gitlinks++;
          return;
        }
        current.changes.push({ path: s, blob: newOid, mode: newMode ?? "" } satisfies Change);
        return;
      }
    }
  };

  return {
    push(chunk) {
      let start = 0;
      for (let nul = chunk.indexOf(0); nul !== -1; nul = chunk.indexOf(0, start)) {
        const piece = chunk.subarray(start, nul);
        if (open.length) {
          open.push(piece);
          token(Buffer.concat(open));
          open = [];
        } else token(piece);
        start = nul + 1;
      }
      if (start < chunk.length) open.push(chunk.subarray(start));
    },
    end() {
      if (open.length) token(Buffer.concat(open));
      open = [];
      flush();
    },
  };
}
