import { describe, expect, it } from "vitest";
import type { StreamElement } from "../../src/git/stream-element.js";
import { parseFastExport } from "../../src/git/fast-export.js";
import { serializeElement } from "../../src/git/fast-import.js";
import { quotePath, unquotePath } from "../../src/git/c-quote.js";
import { CorruptObjectError } from "../../src/errors.js";
import { fakeKey } from "../helpers/keys.js";
import { chunked, withKey } from "./stream-fixture.js";

async function collect(src: AsyncIterable<Buffer>): Promise<StreamElement[]> {
  const out: StreamElement[] = [];
  for await (const el of parseFastExport(src)) out.push(el);
  return out;
}

describe("fast-export parser and fast-import serializer", () => {
  it("round-trips a real fast-export stream byte for byte", async () => {
    const input = withKey("basic.fe", fakeKey());
    const elements = await collect(chunked(input));
    expect(Buffer.concat(elements.flatMap(serializeElement)).equals(input)).toBe(true);
  });

  it("yields typed elements: blobs, commits with parents and changes, resets, tags", async () => {
    const elements = await collect(chunked(withKey("basic.fe", fakeKey()), 4096));
    expect(elements.map((e) => e.type).join(",")).toBe(
      "feature,blob,blob,blob,blob,blob,blob,reset,commit,blob,commit,blob,blob,commit,commit,reset,tag,done",
    );
    const merge = elements.find((e) => e.type === "commit" && e.ref === "refs/heads/main");
    expect(merge).toMatchObject({ mark: 13, from: ":9", merges: [":12"] });
    const feature = elements.find((e) => e.type === "commit" && e.mark === 12);
    expect(feature?.type === "commit" && feature.changes).toEqual([
      { type: "M", mode: "100644", dataref: ":10", path: "caf\u00e9.txt" }, // byte 0xE9, kept as latin1
      { type: "D", path: "vendor/lib" },
      { type: "M", mode: "100644", dataref: ":11", path: 'we"ird name' },
    ]);
    expect(elements.find((e) => e.type === "tag")).toMatchObject({ name: "v1.0", mark: 14, from: ":9" });
  });

  it("refuses a stream it does not understand instead of guessing", async () => {
    const bad = Buffer.from("blob\nmark :1\ndata 3\nabc\nfrobnicate\n");
    await expect(collect(chunked(bad))).rejects.toBeInstanceOf(CorruptObjectError);
    const cut = Buffer.from("blob\nmark :1\ndata 30\nabc");
    await expect(collect(chunked(cut))).rejects.toThrow(/ends inside a 30-byte data block/);
  });

  it("quotes paths the way git does, and only when it must", () => {
    expect(quotePath("plain name.txt")).toBe("plain name.txt");
    expect(quotePath('a"b\\c\nd\x01')).toBe('"a\\"b\\\\c\\nd\\001"');
    expect(unquotePath('"caf\\303\\251 \\"x\\"\\t"')).toBe("caf\u00c3\u00a9 \"x\"\t");
    for (const p of ["tab\there", "new\nline", 'q"uote', "caf\u00e9"]) expect(unquotePath(quotePath(p))).toBe(p);
  });
});
