import { describe, expect, it } from "vitest";
import type { CommitChanges } from "../../../src/git/engine.js";
import { createLogParser } from "../../../src/git/native/log-parser.js";

// The walk's `git log -z --raw` output, parsed as it streams: a record is the same however
// the pipe cuts it, and a field of many chunks (a hostile message or path) is joined once.

const OID = "a".repeat(40);
const BLOB = "b".repeat(40);

function record(message: string, path: string): Buffer {
  return Buffer.from(`\x01${OID}\0Ada <ada@example.com>\x002026-01-01T00:00:00+00:00\0${message}\0\n:000000 100644 ${"0".repeat(40)} ${BLOB} A\0${path}\0`);
}

function parse(chunks: Buffer[]): CommitChanges[] {
  const out: CommitChanges[] = [];
  const parser = createLogParser((c) => out.push(c));
  for (const c of chunks) parser.push(c);
  parser.end();
  return out;
}

function cut(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe("the native walk's log parser", () => {
  it("reads the same commit whether the output comes whole, byte by byte or in odd chunks", () => {
    const raw = record("subject\n\nbody\n", "src/a b.js");
    const whole = parse([raw]);
    expect(whole).toEqual([{ commit: { oid: OID, author: "Ada <ada@example.com>", date: "2026-01-01T00:00:00+00:00" }, message: Buffer.from("subject\n\nbody\n"), changes: [{ path: "src/a b.js", blob: BLOB, mode: "100644" }], gitlinks: 0 }]);
    expect(parse(cut(raw, 1))).toEqual(whole);
    expect(parse(cut(raw, 7))).toEqual(whole);
  });

  it("joins a message and a path that span many chunks", () => {
    const message = "m".repeat(3 * 1024 * 1024);
    const path = `${"d/".repeat(50_000)}f.js`;
    const [c] = parse(cut(record(message, path), 65_536));
    expect(c!.message.length).toBe(message.length);
    expect(c!.changes.map((ch) => ch.path)).toEqual([path]);
  });
});
