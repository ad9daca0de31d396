import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isRetryable } from "../src/app/worker.js";
import { TransientError } from "../src/app/transient-error.js";
import { CorruptObjectError, CorruptRepositoryError, GitError, LeakguardError, prefixed, ScanTimeoutError, UsageError } from "../src/errors.js";
import { parseTree } from "../src/git/isomorphic/parse-tree.js";
import { startScanWorker } from "../src/scan-worker/start-scan-worker.js";
import { runCli } from "./helpers/cli.js";
import { makeRepo, runGit } from "./helpers/repo.js";

// Errors say what happened (issue 13, item 4): the class and `code` name it, `retryable`
// tells the app's worker whether to try again, and the message carries no prefix (the
// edges that show it add `[leakguard]`).

/** A commit whose tree object git accepts as written but no parser can read to its end. */
function truncatedTreeRepo(): string {
  const repo = makeRepo();
  const blob = runGit(repo.dir, ["hash-object", "-w", "--stdin"], "x\n").trim();
  // "100644 a.txt\0" + 20 id bytes, cut 5 bytes short
  const entry = Buffer.concat([Buffer.from("100644 a.txt\0"), Buffer.from(blob, "hex").subarray(0, 15)]);
  const tree = runGit(repo.dir, ["hash-object", "-t", "tree", "-w", "--literally", "--stdin"], entry.toString("latin1")).trim();
  const commit = runGit(repo.dir, ["commit-tree", "-m", "broken", tree]).trim();
  runGit(repo.dir, ["update-ref", "refs/heads/main", commit]);
  return repo.dir;
}

/** A commit whose one blob's object file holds garbage instead of a zlib stream. */
function corruptBlobRepo(): string {
  const repo = makeRepo();
  repo.commit("one", { "a.txt": "a\n" });
  const blob = runGit(repo.dir, ["rev-parse", "HEAD:a.txt"]).trim();
  const file = join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2));
  chmodSync(file, 0o644);
  writeFileSync(file, "not a zlib stream at all");
  return repo.dir;
}

describe("leakguard's errors", () => {
  it("carry the message bare, and the edge's prefix is added once", () => {
    const err = new UsageError("no such file or directory: /x");
    expect(err.message).toBe("no such file or directory: /x");
    expect(prefixed(err.message)).toBe("[leakguard] no such file or directory: /x");
    expect(err.name).toBe("UsageError");
  });

  it("name what happened in `code`", () => {
    expect(new LeakguardError("x").code).toBe("LEAKGUARD_ERROR");
    expect(new UsageError("x").code).toBe("USAGE");
    expect(new GitError("x", 1, "").code).toBe("GIT");
    expect(new CorruptRepositoryError("x").code).toBe("CORRUPT_REPOSITORY");
    expect(new CorruptObjectError("x").code).toBe("CORRUPT_OBJECT");
    expect(new ScanTimeoutError("x").code).toBe("SCAN_TIMEOUT");
    expect(new TransientError("fetch", "a network error", null).code).toBe("TRANSIENT");
  });

  it("count an unreadable object as a corrupt repository, not as the user's mistake", () => {
    expect(new CorruptObjectError("x")).toBeInstanceOf(CorruptRepositoryError);
    expect(new CorruptRepositoryError("x")).not.toBeInstanceOf(UsageError);
    expect(() => parseTree(Buffer.from("100644 a.txt\0short"))).toThrow(CorruptObjectError);
  });
});

describe("the app's worker retries by the flag, not by the class", () => {
  it("does not retry what would fail the same way again", () => {
    for (const err of [new UsageError("x"), new GitError("x", 128, ""), new CorruptRepositoryError("x"), new CorruptObjectError("x"), new ScanTimeoutError("x")]) {
      expect(err.retryable).toBe(false);
      expect(isRetryable(err)).toBe(false);
    }
  });

  it("retries what says it may pass, wrapped or not", () => {
    const passing = new TransientError("fetch", "a network error", new Error("ECONNRESET"));
    expect(passing.retryable).toBe(true);
    expect(isRetryable(passing)).toBe(true);
    expect(isRetryable(new AggregateError([passing]))).toBe(true);
  });

  it("reads the flag of any of our errors, so a new retryable kind needs no change in the worker", () => {
    class Flaky extends LeakguardError {
      override readonly retryable = true;
    }
    expect(isRetryable(new Flaky("x"))).toBe(true);
  });

  it("keeps the rules for errors that are not ours: API status, else try again", () => {
    expect(isRetryable(Object.assign(new Error("server"), { status: 502 }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("gone"), { status: 404 }))).toBe(false);
    expect(isRetryable(new Error("socket hang up"))).toBe(true);
  });
});

describe("a corrupt repository at each edge", () => {
  it("crosses the scan worker as CorruptRepositoryError with its bare message", async () => {
    const dir = corruptBlobRepo();
    const worker = startScanWorker();
    try {
      const err = await worker
        .run({ kind: "history", dir, env: process.env, selection: { all: true }, maxBlobBytes: null }, 60_000)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptRepositoryError);
      expect((err as Error).message).not.toMatch(/^\[leakguard\]/);
    } finally {
      await worker.close();
    }
  });

  it.each([
    ["native", "an unreadable blob", corruptBlobRepo],
    ["isomorphic", "an unreadable blob", corruptBlobRepo],
    ["isomorphic", "a truncated tree", truncatedTreeRepo],
  ])("is one prefixed line and exit 2 from the CLI, never an internal error (%s engine, %s)", async (engine, _what, make) => {
    const r = await runCli(["scan", make(), "--history", "--engine", engine]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[leakguard\] (?!internal error)/);
    expect(lines[0]).not.toMatch(/^\[leakguard\] \[leakguard\]/);
  });
});
