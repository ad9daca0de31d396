import { describe, expect, it } from "vitest";
import type { BlobFilter } from "../../../src/git/engine.js";
import { createNativeEngine } from "../../../src/git/native/engine.js";
import { scanHistory } from "../../../src/findings/scan-history.js";
import { mayHoldStripeKey, STRIPE_KEY_PCRE, STRIPE_MARKER_BYTES } from "../../../src/detectors/index.js";
import { fakeKey, fakeLongKey } from "../../helpers/keys.js";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GIT_TEST_ENV, makeRepo, repoAt, runGit, tempDir } from "../../helpers/repo.js";
import { synthesizeHistory } from "../../helpers/synthetic-history.js";

const filter: BlobFilter = { test: mayHoldStripeKey, overlap: STRIPE_MARKER_BYTES - 1, pcre: STRIPE_KEY_PCRE };

function mixedRepo() {
  const repo = makeRepo();
  const big = "x".repeat(300_000);
  repo.commit("init", { "README.md": "hello\n", "big.txt": big });
  repo.commit("keys", {
    "pay.js": `const k = "${fakeKey()}";\n`,
    "win.ps1": Buffer.from(`$k = "${fakeKey("rk")}"\r\n`, "utf16le"),
    "big.txt": `${big}\n${fakeLongKey()}\n${big}`,
    "test/pay.spec.js": 'new Stripe("sk_' + 'test_123");\n',
    ".env": "PORT=3000\n",
  });
  repo.commit("more", { "README.md": "hello again\n", "logo.bin": Buffer.from([0, 1, 2, 255, 0, 7]) });
  return repo;
}

async function readAll(dir: string, prefilter: "grep" | "stream") {
  const kept = new Map<string, string>();
  const skipped = new Map<string, number>();
  for await (const b of createNativeEngine(dir, process.env, undefined, { prefilter }).readBlobs("all", filter)) {
    if (b.bytes === null) skipped.set(b.oid, b.size);
    else kept.set(b.oid, b.bytes.toString("base64"));
  }
  return { kept, skipped };
}

describe("reading every blob of a repository through a prefilter", () => {
  it("git grep reads only blobs holding a key-shaped token; streaming tests every blob here", async () => {
    const repo = mixedRepo();
    const grep = await readAll(repo.dir, "grep");
    const stream = await readAll(repo.dir, "stream");
    // narrow key, UTF-16 key, key deep in a big blob; the short placeholder only when streaming
    expect(grep.kept.size).toBe(3);
    expect(stream.kept.size).toBe(4);
    for (const [oid, bytes] of grep.kept) expect(stream.kept.get(oid)).toBe(bytes);
    const total = runGit(repo.dir, ["cat-file", "--batch-all-objects", "--batch-check=%(objecttype)"]).split("\n").filter((t) => t === "blob").length;
    for (const r of [grep, stream]) expect(r.kept.size + r.skipped.size).toBe(total);
    const bytes = (r: typeof grep) => [...r.skipped.values()].reduce((a, b) => a + b, 0) + [...r.kept.values()].reduce((a, b) => a + Buffer.from(b, "base64").length, 0);
    expect(bytes(grep)).toBe(bytes(stream));
  });

  it("never writes to the repository it reads", async () => {
    const repo = mixedRepo();
    const before = runGit(repo.dir, ["count-objects", "-v"]);
    await readAll(repo.dir, "grep");
    expect(runGit(repo.dir, ["count-objects", "-v"])).toBe(before);
  });

  it("gives the same findings either way", async () => {
    const repo = mixedRepo();
    const scan = (prefilter: "grep" | "stream") => scanHistory({ engine: createNativeEngine(repo.dir, process.env, undefined, { prefilter }), selection: { all: true } });
    const [a, b] = await Promise.all([scan("grep"), scan("stream")]);
    expect(a.findings.map((f) => [f.path, f.rule])).toEqual([
      [".env", "dotenv-file"],
      ["big.txt", "stripe-live-secret-key"],
      ["pay.js", "stripe-live-secret-key"],
      ["win.ps1", "stripe-live-restricted-key"],
    ]);
    expect(a.findings).toEqual(b.findings);
    expect({ ...a.stats, ms: 0 }).toEqual({ ...b.stats, ms: 0 });
  });

  it("cut into several git grep trees while git is still listing, reads the same blobs as one tree, each once", async () => {
    const repo = makeRepo();
    await synthesizeHistory(repo.dir, { preset: "busy", env: GIT_TEST_ENV }); // 3,200 blobs, 10 with a key
    // A git that hands the object listing on in two parts, a second apart (a long listing,
    // made long on purpose), and notes each git grep it runs.
    const bin = tempDir("leakguard-slow-listing-");
    const log = join(bin, "greps");
    const realGit = (process.env["PATH"] ?? "").split(":").map((d) => join(d, "git")).find((f) => existsSync(f))!;
    writeFileSync(join(bin, "git"), [
      "#!/bin/bash",
      "set -o pipefail",
      `for a in "$@"; do [ "$a" = grep ] && echo grep >> ${JSON.stringify(log)}; done`,
      `if [ "$1" = cat-file ] && [ "$2" = --batch-all-objects ]; then ${JSON.stringify(realGit)} "$@" | { head -c 65536; sleep 1; cat; }; exit; fi`,
      `exec ${JSON.stringify(realGit)} "$@"`,
    ].join("\n") + "\n");
    chmodSync(join(bin, "git"), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env["PATH"]}` };
    const read = async (firstGrepTreeBytes?: number) => {
      const order: string[] = [];
      const kept = new Set<string>();
      for await (const b of createNativeEngine(repo.dir, env, undefined, { prefilter: "grep", ...(firstGrepTreeBytes ? { firstGrepTreeBytes } : {}) }).readBlobs("all", filter)) {
        order.push(b.oid);
        if (b.bytes !== null) kept.add(b.oid);
      }
      return { order, kept };
    };
    const one = await read();
    const greps = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0);
    expect(greps()).toBe(1);
    const many = await read(1);
    expect(greps() - 1).toBeGreaterThan(1);
    expect(new Set(many.order).size).toBe(many.order.length);
    expect(many.order.length).toBe(3200);
    expect([...many.kept].sort()).toEqual([...one.kept].sort());
    expect(many.kept.size).toBe(10);
    expect([...many.order].sort()).toEqual([...one.order].sort());
  });
  it("reads a SHA-256 repository the same way (the trees git grep searches are written here, hashed as the repository hashes)", async () => {
    const dir = tempDir("leakguard-sha256-");
    runGit(dir, ["init", "-q", "--object-format=sha256", "--initial-branch=main", dir]);
    const repo = repoAt(dir);
    repo.commit("keys", { "pay.js": `const k = "${fakeKey()}";\n`, "README.md": "hello\n", "win.ps1": Buffer.from(`$k = "${fakeKey("rk")}"\r\n`, "utf16le") });
    const grep = await readAll(dir, "grep");
    const stream = await readAll(dir, "stream");
    expect([...grep.kept.keys()].every((oid) => oid.length === 64)).toBe(true);
    expect(grep.kept.size).toBe(2);
    expect(grep.kept).toEqual(stream.kept);
    expect(grep.skipped).toEqual(stream.skipped);
  });
});
