import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BatchObject } from "../../../src/git/native/cat-file.js";
import { createBatchParser } from "../../../src/git/native/cat-file.js";
import { DETECTORS, mayHoldStripeKey, STRIPE_MARKER_BYTES } from "../../../src/detectors/index.js";
import { createCollector, emptyStats } from "../../../src/findings/collector.js";
import { CorruptObjectError } from "../../../src/errors.js";
import { fakeKey, redacted } from "../../helpers/keys.js";
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

describe("cat-file framing of objects larger than a window", () => {
  const win = { test: (b: Buffer) => mayHoldStripeKey(b), overlap: STRIPE_MARKER_BYTES - 1, window: { size: 4096, overlap: 64 } };

  it("hands on only the windows that may hold a key, cut at line breaks, with the line each starts on", () => {
    const key = fakeKey();
    const lines = Array.from({ length: 2000 }, (_, i) => (i === 1234 ? `k = "${key}"` : `line ${i}`));
    const blob = Buffer.from(lines.join("\n") + "\n");
    const { out } = batchOutput([blob, Buffer.from("small\n")]);
    for (const size of [7, 1000, 65536]) {
      const { objects } = parse(out, size, win);
      const windows = objects.filter((o) => o.window);
      expect(windows).toHaveLength(1);
      const w = windows[0]!;
      const text = w.bytes!.toString();
      expect(text.startsWith("line ")).toBe(true); // starts at a line
      expect(w.window!.line + text.slice(0, text.indexOf(key)).split("\n").length - 1).toBe(1235);
      expect(w.window!.lead).toBe(0);
      // the windowed blob then ends as a skipped one; the small one is whole
      expect(objects.filter((o) => !o.window).map((o) => [o.size, o.bytes && o.bytes.toString()])).toEqual([[blob.length, null], [6, null]]);
    }
  });

  it("finds a key that a hard cut inside one long line would split, in the window that holds it whole", () => {
    const key = fakeKey();
    for (const at of [4000, 4090, 4096 - key.length, 8100]) {
      const blob = Buffer.concat([Buffer.alloc(at, 0x61), Buffer.from(key), Buffer.alloc(9000, 0x61)]);
      const { out } = batchOutput([blob]);
      const windows = parse(out, 1000, win).objects.filter((o) => o.window);
      const whole = windows.filter((o) => o.bytes!.includes(key));
      expect(whole.length).toBeGreaterThan(0);
      const w = whole[0]!;
      expect(w.window!.offset + w.bytes!.indexOf(key)).toBe(at);
      expect(w.window!.column).toBe(w.window!.offset); // one line: every byte before the window is on it
    }
  });
});

describe("windows through the detectors", () => {
  it("reports a key near any hard cut exactly once, whole, at its column in the blob", () => {
    const key = fakeKey();
    const win = { test: (b: Buffer) => mayHoldStripeKey(b), overlap: STRIPE_MARKER_BYTES - 1, window: { size: 4096, overlap: 64 } };
    for (let at = 3990; at < 4200; at += 7) {
      const blob = Buffer.concat([Buffer.alloc(at, 0x20), Buffer.from(key), Buffer.alloc(9000, 0x20)]);
      const { out } = batchOutput([blob]);
      for (const chunk of [512, 4096, 65536]) {
        const stats = emptyStats();
        const collector = createCollector(DETECTORS, new Set(), stats);
        for (const o of parse(out, chunk, win).objects) {
          if (o.window) collector.run("a.txt", o.bytes!, { path: "a.txt", commit: null, blob: o.oid, source: "file" }, undefined, o.window);
        }
        expect(collector.findings.map((f) => [f.line, f.column, f.redacted])).toEqual([[1, at + 1, redacted(key)]]);
      }
    }
  });
});
