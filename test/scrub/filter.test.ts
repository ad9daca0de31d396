import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFastExport } from "../../src/git/fast-export.js";
import { serializeElement } from "../../src/git/fast-import.js";
import { createScrubFilter } from "../../src/scrub/filter.js";
import { planScrub } from "../../src/scrub/plan.js";
import type { ScrubOptions } from "../../src/scrub/plan.js";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { chunked, TOKEN, withKey } from "./stream-fixture.js";

const DEFAULTS: ScrubOptions = { includeTestKeys: false, deletePaths: [], deleteBinaryWithKeys: false, gitignore: false };

async function scrubStream(input: Buffer, opts: Partial<ScrubOptions> = {}) {
  const filter = createScrubFilter(planScrub({ ...DEFAULTS, ...opts }));
  const out: Buffer[] = [];
  for await (const el of parseFastExport(chunked(input, 1000))) {
    const kept = await filter.filter(el);
    if (kept) out.push(...serializeElement(kept));
  }
  return { output: Buffer.concat(out), report: filter.report() };
}

describe("scrub filter (fast-export stream in, golden stream out)", () => {
  it("drops dotenv files, replaces keys in text and messages, keeps binaries, gitlinks and LFS pointers", async () => {
    const key = fakeKey();
    const { output, report } = await scrubStream(withKey("basic.fe", key));
    const golden = new URL("./fixtures/basic-scrubbed.fe", import.meta.url);
    // Regenerate with UPDATE_GOLDEN=1 (then review the diff): the golden keeps TOKEN for the key.
    if (process.env["UPDATE_GOLDEN"]) writeFileSync(golden, Buffer.from(output.toString("latin1").split(key).join(TOKEN.toString()), "latin1"));
    expect(output.toString("latin1")).toBe(withKey("basic-scrubbed.fe", key).toString("latin1"));
    // Unchanged blobs (icon.gif keeps its key: it is binary) are named by id, not re-sent.
    expect(output.toString("latin1")).not.toContain(key);
    expect(output.toString("latin1")).toMatch(/^M 100644 [0-9a-f]{40} icon\.gif$/m);
    expect(report).toMatchObject({
      blobsSeen: 9,
      blobsChanged: 3, // two .env versions and config: every text blob is cleaned, used or not
      commitsSeen: 4,
      commitsChanged: 4,
      messagesRedacted: 2,
      keys: [{ redacted: redacted(key), blobs: 3, messages: 2 }],
      deletedPaths: [{ path: ".env", commits: 2, dotenv: true }],
      editedPaths: ["config/payments.js", "config/stripe.js"],
      binaryWithKeys: [{ path: "icon.gif", deleted: false }],
      orphanedLfs: [],
      changedRefs: ["refs/heads/feature", "refs/heads/main", "refs/tags/light", "refs/tags/v1.0"],
    });
    expect(JSON.stringify(report.keys)).not.toContain(key);
  });

  it("deletes requested globs and binaries holding keys, and reports LFS objects left orphaned", async () => {
    const { output, report } = await scrubStream(withKey("basic.fe", fakeKey()), { deletePaths: ["*.png"], deleteBinaryWithKeys: true });
    const text = output.toString("latin1");
    expect(text).not.toMatch(/^M \d+ \S+ (icon\.gif|logo\.png)$/m);
    expect(report.binaryWithKeys).toMatchObject([{ path: "icon.gif", deleted: true }]);
    expect(report.deletedPaths.map((d) => d.path).sort()).toEqual([".env", "icon.gif", "logo.png"]);
    expect(report.orphanedLfs).toHaveLength(1);
  });

  it("leaves test keys unless asked, and removes long-shape keys", async () => {
    const test = fakeKey("sk", "test");
    const live = fakeLongKey("rk");
    const msg = `deploy ${test} and ${live}\n`;
    const stream = Buffer.from(`commit refs/heads/main\nmark :1\ncommitter A <a@x> 1 +0000\ndata ${msg.length}\n${msg}\ndone\n`);
    const plain = (await scrubStream(stream)).output.toString();
    expect(plain).toContain(test);
    expect(plain).not.toContain(live);
    expect(plain).toContain(`deploy ${test} and ***REMOVED***\n`);
    const all = (await scrubStream(stream, { includeTestKeys: true })).output.toString();
    expect(all).toContain("deploy ***REMOVED*** and ***REMOVED***\n");
  });

  it("sends fast-import no unchanged commit or tag: a changed child names its parent by id", async () => {
    const key = fakeKey();
    const [c1, c2, c3, t1] = ["1", "2", "3", "4"].map((d) => d.repeat(40));
    const [b1, b2] = ["a", "b"].map((d) => d.repeat(40));
    const leak = `k=${key}\n`;
    const stream = Buffer.from(
      `blob\nmark :1\noriginal-oid ${b1}\ndata 6\nhello\n\n` +
        `reset refs/heads/main\ncommit refs/heads/main\nmark :2\noriginal-oid ${c1}\ncommitter A <a@x> 1 +0000\ndata 3\none\nM 100644 :1 README\n\n` +
        `tag v1\nmark :3\nfrom :2\noriginal-oid ${t1}\ntagger A <a@x> 1 +0000\ndata 3\nv1\n\n` +
        `blob\nmark :4\noriginal-oid ${b2}\ndata ${leak.length}\n${leak}\n` +
        `commit refs/heads/side\nmark :5\noriginal-oid ${c2}\ncommitter A <a@x> 2 +0000\ndata 4\nleak\nfrom :2\nM 100644 :4 cfg\n\n` +
        `commit refs/heads/side\nmark :6\noriginal-oid ${c3}\ncommitter A <a@x> 3 +0000\ndata 5\nafter\nfrom :5\nmerge :2\n\n` +
        `reset refs/heads/other\nfrom :2\n\ndone\n`,
      "latin1",
    );
    const { output, report } = await scrubStream(stream);
    const text = output.toString("latin1");
    expect(text).not.toContain(`original-oid ${c1}`); // the unchanged commit keeps its id (and signature)
    expect(text).not.toContain("tag v1"); // so does the unchanged tag
    expect(text).toContain(`mark :5\noriginal-oid ${c2}`);
    expect(text).toContain(`from ${c1}\nM 100644 :4 cfg\n`);
    expect(text).toContain(`from :5\nmerge ${c1}\n`);
    expect(text).toContain(`reset refs/heads/other\nfrom ${c1}\n`);
    expect(text).not.toContain(key);
    expect(report).toMatchObject({ commitsSeen: 3, commitsChanged: 2, commitsHolding: 1, changedRefs: ["refs/heads/side"], firstChanged: [c2] });
    expect([...report.holdingMarks]).toEqual([5]);
  });

  it("leaves an unchanged stream unchanged and reports nothing", async () => {
    const stream = Buffer.from("blob\nmark :1\ndata 6\nhello\n\ncommit refs/heads/main\nmark :2\ncommitter A <a@x> 1 +0000\ndata 3\nhi\nM 100644 :1 README\n\ndone\n");
    const { output, report } = await scrubStream(stream);
    expect(output.toString()).toBe(stream.toString()); // blobs without an original id are passed on
    expect(report).toMatchObject({ commitsChanged: 0, changedRefs: [], keys: [], deletedPaths: [] });
  });
});


describe("key removal in odd text", () => {
  it("edits a UTF-16LE file (with its byte-order mark) in its own encoding", async () => {
    const { removeKeys } = await import("../../src/scrub/remove-keys.js");
    const key = fakeKey();
    const wide = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`STRIPE_KEY=${key}\r\n`, "utf16le")]);
    const out = removeKeys(wide, false)!;
    expect(out.bytes.subarray(2).toString("utf16le")).toBe("STRIPE_KEY=***REMOVED***\r\n");
  });

  it("finds and removes keys across and after the edges of the search windows", async () => {
    const { removeKeys } = await import("../../src/scrub/remove-keys.js");
    const key = fakeLongKey();
    const window = 1024 * 1024; // the real window is 64 MiB; the logic is the same
    const straddling = Buffer.concat([Buffer.alloc(window - 40, "a\n"), Buffer.from(` ${key} `)]);
    const big = Buffer.concat([straddling, Buffer.alloc(2 * window, "b\n"), Buffer.from(`x=${key}\n`)]);
    const out = removeKeys(big, false, window)!;
    expect(out.secrets).toEqual([key]);
    expect(out.bytes.indexOf(key.slice(0, 20))).toBe(-1);
    expect(out.bytes.length).toBe(big.length - 2 * (key.length - "***REMOVED***".length));
    expect(out.bytes.subarray(-16).toString()).toBe("x=***REMOVED***\n");
  });

  it("treats an archive as a binary by its signature (its checksums break if edited), and text starting with PK as text", async () => {
    const { isBinary, removeKeys } = await import("../../src/scrub/remove-keys.js");
    const key = fakeKey();
    // A zip local header or a gzip header with no NUL near it still cannot be edited in place.
    expect(isBinary(Buffer.from(`PK\x03\x04\x14\x01config.json k=${key}`, "latin1"))).toBe(true);
    expect(isBinary(Buffer.from(`PK\x05\x06`, "latin1"))).toBe(true);
    expect(isBinary(Buffer.from([0x1f, 0x8b, 0x08, 0x08, 0x41, 0x42]))).toBe(true);
    // The walk-around: a text file that merely starts like one is text, and its key goes.
    const text = Buffer.from(`PK notes: k=${key}\n`);
    expect(isBinary(text)).toBe(false);
    expect(removeKeys(text, false)?.bytes.toString()).toBe("PK notes: k=***REMOVED***\n");
  });

  it("removes another provider's live key (sk_live_ + 40 lowercase hex) like a Stripe one, naming its rule", async () => {
    const { removeKeys } = await import("../../src/scrub/remove-keys.js");
    const other = "sk_" + "live_" + randomBytes(20).toString("hex");
    const out = removeKeys(Buffer.from(`PAYSTACK_SECRET_KEY=${other}\n`), false)!;
    expect(out.bytes.toString()).toBe("PAYSTACK_SECRET_KEY=***REMOVED***\n");
    expect(out.rules.get(other)).toBe("generic-live-secret-key");
    // A test-mode look-alike is nobody's live key: it stays unless test keys are asked for.
    expect(removeKeys(Buffer.from(`k=${"sk_" + "test_" + randomBytes(20).toString("hex")}\n`), true)).toBeNull();
  });
});
