import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BatchObject } from "../../../src/git/native/cat-file.js";
import { createBatchParser } from "../../../src/git/native/cat-file.js";
import { mayHoldStripeKey, STRIPE_MARKER_BYTES } from "../../../src/detectors/index.js";
import { CorruptObjectError } from "../../../src/errors.js";
import { fakeKey } from "../../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo } from "../../helpers/repo.js";

// Real `git cat-file --batch` output, cut into pipe chunks of every awkward size.

function batchOutput(contents: Buffer[], extra: string[] = []) {
  const repo = makeRepo();
  const files = contents.map((c, i) => {
    const f = join(repo.dir, `blob-${i}`);
    writeFileSync(f, c);
    return f;
  });
  const hashed = execFileSync("git", ["hash-object", "-w", "--stdin-paths"], { cwd: repo.dir, input: files.join("\n") + "\n", env: GIT_TEST_ENV });
  const oids = hashed.toString().trim().split("\n");
  const input = [...oids, ...extra].join("\n") + "\n";
  const out = execFileSync("git", ["cat-file", "--batch"], { cwd: repo.dir, input, env: GIT_TEST_ENV, maxBuffer: 1 << 28 });
  return { oids, out };
}

function parse(out: Buffer, chunk: number | ((i: number) => number), filter?: Parameters<typeof createBatchParser>[2]) {
  const objects: BatchObject[] = [];
  const missing: string[] = [];
  const parser = createBatchParser((o) => objects.push({ ...o, bytes: o.bytes && Buffer.from(o.bytes) }), (m) => missing.push(m), filter);
  for (let pos = 0, i = 0; pos < out.length; i++) {
    const n = typeof chunk === "number" ? chunk : chunk(i);
    parser.push(out.subarray(pos, pos + n));
    pos += n;
  }
  parser.end();
  return { objects, missing };
}

const filter = { test: (b: Buffer) => mayHoldStripeKey(b), overlap: STRIPE_MARKER_BYTES - 1 };

describe("cat-file --batch framing", () => {
  const contents = [Buffer.from("hello\n"), Buffer.alloc(0), Buffer.from("no newline at end"), Buffer.from("a\nb\n\n\nc"), Buffer.alloc(70_000, 0x41)];
  const { oids, out } = batchOutput(contents, ["0".repeat(40)]);

  it.each([1, 2, 7, 64, 4096, 65536, out.length])("gives the same objects whatever the chunk size (%i)", (size) => {
    const { objects, missing } = parse(out, size);
    expect(objects.map((o) => o.oid)).toEqual(oids);
    expect(objects.map((o) => o.bytes!.toString("base64"))).toEqual(contents.map((c) => c.toString("base64")));
    expect(objects.map((o) => [o.type, o.size])).toEqual(contents.map((c) => ["blob", c.length]));
    expect(missing).toEqual(["0".repeat(40)]);
  });

  it("frames many tiny objects packed into single chunks", () => {
    const tiny = Array.from({ length: 500 }, (_, i) => Buffer.from(`v${i}\n`.repeat(i % 4)));
    const r = batchOutput(tiny);
    const { objects } = parse(r.out, (i) => 1 + ((i * 7919) % 700));
    expect(objects.map((o) => o.bytes!.toString("latin1"))).toEqual(tiny.map((c) => c.toString("latin1")));
  });

  it("gathers a huge object spanning hundreds of chunks exactly once", () => {
    const huge = Buffer.alloc(6_000_000);
    for (let i = 0; i < huge.length; i++) huge[i] = (i * 31) & 0xff;
    const r = batchOutput([huge, Buffer.from("after\n")]);
    const { objects } = parse(r.out, 65536);
    expect(objects[0]!.bytes!.equals(huge)).toBe(true);
    expect(objects[1]!.bytes!.toString()).toBe("after\n");
  });

  it("fails loudly on output that ends inside an object", () => {
    const parser = createBatchParser(() => {}, () => {});
    parser.push(out.subarray(0, out.length - 3));
    expect(() => parser.end()).toThrow(CorruptObjectError);
  });
});

describe("cat-file framing with a prefilter", () => {
  it("keeps only objects holding a marker, even when the marker is split across chunks", () => {
    const key = fakeKey();
    const filler = Buffer.alloc(30_000, 0x2e);
    const withKey = Buffer.concat([filler, Buffer.from(`k = "${key}"\n`), filler]);
    const wide = Buffer.concat([filler, Buffer.from(`k = "${key}"\n`, "utf16le")]);
    const clean = Buffer.concat([filler, filler]);
    const { oids, out } = batchOutput([clean, withKey, wide, Buffer.from(`short ${key}`), Buffer.alloc(0)]);
    // Cut so that the narrow marker straddles a boundary in some run below.
    for (const size of [2, 3, 5, 6, 13, 4096, 30_011, 65536]) {
      const { objects } = parse(out, size, filter);
      expect(objects.map((o) => o.oid)).toEqual(oids);
      expect(objects.map((o) => o.bytes !== null)).toEqual([false, true, true, true, false]);
      expect(objects[1]!.bytes!.equals(withKey)).toBe(true);
      expect(objects[2]!.bytes!.equals(wide)).toBe(true);
      expect(objects[0]!.size).toBe(clean.length);
    }
  });
});
