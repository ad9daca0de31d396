import type { Change, CommitChanges } from "../engine.js";
import { isZeroOid } from "../refs.js";

// Parses `git log -z --raw --format=%x01%H%x00%an <%ae>%x00%aI%x00%B` incrementally.
// With -z every field ends in NUL: \x01<oid>, author, date, message, then pairs of
// `:<modes> <oids> <status>` and `<path>`. A message cannot hold NUL, so NUL framing is exact.

export const LOG_FORMAT = "--format=%x01%H%x00%an <%ae>%x00%aI%x00%B";
const GITLINK = "160000";
const LF = 0x0a;
const EMPTY: Buffer = Buffer.alloc(0);

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
    // Entries start after a line break that git puts between the message and the raw diff.
    let start = 0;
    if (field >= 4) while (start < t.length && t[start] === LF) start++;
    if (field !== 5 && t[start] === 0x01) {
      flush();
      current = {
        commit: { oid: t.toString("latin1", start + 1), author: "", date: "" },
        message: EMPTY,
        changes: [],
        gitlinks: 0,
      };
      field = 1;
      return;
    }
    if (!current) return;
    switch (field) {
      case 1:
        current.commit.author = t.toString("utf8");
        field = 2;
        return;
      case 2: {
        const s = t.toString("latin1");
        // git 2.45+ prints a zero offset as "Z"; keep one form whatever git is installed
        current.commit.date = s.endsWith("Z") ? `${s.slice(0, -1)}+00:00` : s;
        field = 3;
        return;
      }
      case 3:
        current.message = Buffer.from(t);
        field = 4;
        return;
      case 4:
        if (start === t.length) return;
        header = t.toString("latin1", start);
        field = 5;
        return;
      case 5: {
        // ":100644 100644 <old> <new> M": the new mode, the new id and the status
        const a = header.indexOf(" ");
        const b = header.indexOf(" ", a + 1);
        const c = header.indexOf(" ", b + 1);
        const d = header.indexOf(" ", c + 1);
        const newMode = a === -1 ? "" : header.slice(a + 1, b === -1 ? undefined : b);
        const newOid = b === -1 || c === -1 ? "" : header.slice(c + 1, d === -1 ? undefined : d);
        const e = d === -1 ? -1 : header.indexOf(" ", d + 1);
        const status = d === -1 ? "" : header.slice(d + 1, e === -1 ? undefined : e);
        field = 4;
        if (!newOid || isZeroOid(newOid) || status === "D") return;
        if (newMode === GITLINK) {
          current.gitlinks++;
          return;
        }
        current.changes.push({ path: t.toString("utf8", start), blob: newOid, mode: newMode } satisfies Change);
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
