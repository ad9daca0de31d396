import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { GIT_TEST_ENV, runGit, tempDir } from "../helpers/repo.js";
import { allObjects, freshClone, makeLeakyRepo, refsOf } from "./leaky-repo.js";
import type { LeakyRepo } from "./leaky-repo.js";

function capture(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), env: GIT_TEST_ENV, cwd: process.cwd(), exitCode: 0 };
  return { io, out: () => Buffer.concat(o).toString(), err: () => Buffer.concat(e).toString() };
}

async function scrub(...args: string[]) {
  const c = capture();
  const code = await run(["scrub", ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

/** old commit -> tree, author, committer, message, as `git log` prints them. */
function commits(dir: string): Map<string, { tree: string; meta: string; message: string }> {
  const log = runGit(dir, ["log", "--all", "--format=%H%x00%T%x00%an <%ae> %ad | %cn <%ce> %cd%x00%B%x01", "--date=raw"]);
  const map = new Map<string, { tree: string; meta: string; message: string }>();
  for (const rec of log.split("\x01").map((r) => r.replace(/^\n/, "")).filter(Boolean)) {
    const [id, tree, meta, message] = rec.split("\0") as [string, string, string, string];
    map.set(id, { tree, meta, message });
  }
  return map;
}

function readMap(file: string): Map<string, string> {
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  return new Map(lines.map((l) => l.split(" ") as [string, string]));
}

describe("leakguard scrub on a leaking repository", () => {
  let leak: LeakyRepo;
  let work: string;
  let result: { code: number; out: string; err: string };
  beforeAll(async () => {
    leak = makeLeakyRepo();
    work = freshClone(leak.origin.dir);
    result = await scrub(work, "--yes");
  });

  it("rewrites a fresh clone and leaves no key and no dotenv file in any object", () => {
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const objects = allObjects(work);
    for (const k of [leak.keys.live, leak.keys.long]) {
      // Only the binary keeps its key (it cannot be edited in place) and it is reported.
      const hits = objects.toString("latin1").split(k).length - 1;
      expect(hits).toBe(k === leak.keys.live ? 1 : 0);
    }
    const paths = runGit(work, ["log", "--all", "--name-only", "--format="]).split("\n");
    for (const p of leak.dotenvPaths) expect(paths).not.toContain(p);
    expect(paths).toContain(".env.example");
    expect(objects.toString("latin1")).toContain(leak.keys.test); // test keys stay unless asked
    expect(objects.toString("latin1")).toContain(leak.keys.placeholder);
  });

  it("gives every commit exactly the tree git-filter-repo gives it for the same removal", () => {
    const oracle = freshClone(leak.origin.dir);
    const expressions = join(tempDir(), "expressions.txt");
    writeFileSync(expressions, [leak.keys.live, leak.keys.long].map((k) => `${k}==>***REMOVED***`).join("\n") + "\n");
    execFileSync("git", [
      "filter-repo", "--force", "--quiet", "--invert-paths", ...leak.dotenvPaths.flatMap((p) => ["--path", p]),
      "--replace-text", expressions, "--replace-message", expressions, "--prune-empty", "never", "--prune-degenerate", "never",
    ], { cwd: oracle, env: GIT_TEST_ENV, stdio: "pipe" });
    const ours = readMap(join(work, ".git/leakguard-scrub/commit-map"));
    const theirs = readMap(join(oracle, ".git/filter-repo/commit-map"));
    const oursCommits = commits(work);
    const theirCommits = commits(oracle);
    // filter-repo lists every commit (an unchanged one maps to itself); ours lists only the
    // ids that change, and every other commit is left exactly as it was.
    const changedByThem = [...theirs].filter(([old, next]) => old !== next).map(([old]) => old);
    expect(ours.size).toBe(7);
    expect([...ours.keys()].sort()).toEqual(changedByThem.sort());
    for (const [old, next] of theirs) if (old === next) expect(oursCommits.has(old), old).toBe(true);
    for (const [old, next] of ours) expect(oursCommits.get(next)?.tree, old).toBe(theirCommits.get(theirs.get(old)!)?.tree);
  });

  it("keeps commit count, authors, dates and messages (but the keys) unchanged", () => {
    const before = commits(leak.origin.dir);
    const after = commits(work);
    const map = readMap(join(work, ".git/leakguard-scrub/commit-map"));
    expect(after.size).toBe(before.size);
    for (const [old, next] of map) {
      const b = before.get(old)!;
      const a = after.get(next)!;
      expect(a.meta).toBe(b.meta);
      expect(a.message).toBe(b.message.split(leak.keys.live).join("***REMOVED***").split(leak.keys.long).join("***REMOVED***"));
    }
    const tag = runGit(work, ["cat-file", "tag", "v1.0"]);
    expect(tag).toContain("release 1.0 (built with ***REMOVED***)");
  });

  it("reports what it removed, never a key, saves the old history beside the repo, and prints the next steps", () => {
    const out = result.out;
    for (const k of Object.values(leak.keys)) if (k !== leak.keys.placeholder) expect(out).not.toContain(k);
    expect(out).toContain("sk_live_…" + leak.keys.live.slice(-4));
    expect(out).toMatch(/\.env \(in \d+ commits?\)/);
    expect(out).toContain("assets/logo.bin");
    // The re-scan finds only what could not be removed in place.
    expect(out).toMatch(/still finds 1 finding:\n  stripe-live-secret-key sk_live_…\w{4} assets\/logo\.bin/);
    expect(out).toContain("git push --force origin +refs/heads/main:refs/heads/main +refs/remotes/origin/feature:refs/heads/feature +refs/tags/light:refs/tags/light +refs/tags/v1.0:refs/tags/v1.0");
    expect(out).toMatch(/Rotate every removed key anyway/);
    expect(out).toMatch(/clone again/);
    expect(out).toMatch(/signatures/);
    const bundle = /Old history saved to (.*\.bundle) /.exec(out)?.[1];
    expect(bundle && dirname(bundle)).toBe(dirname(work));
    expect(runGit(work, ["bundle", "list-heads", bundle!])).toContain("refs/tags/v1.0");
    // The old history is outside the repository's refs: nothing reachable still has it.
    expect(refsOf(work)).not.toContain(runGit(leak.origin.dir, ["rev-parse", "main"]).trim());
    const first = readFileSync(join(work, ".git/leakguard-scrub/first-changed-commits"), "utf8");
    expect(first.split(" ")[0]).toBe(runGit(leak.origin.dir, ["rev-parse", ":/add stripe config"]).trim());
  });

  it("puts a removed dotenv file of the checked-out tip back on disk, untracked", () => {
    expect(readFileSync(join(work, "config/.env.local"), "utf8")).toBe(`STRIPE_KEY=${leak.keys.long}\n`);
    expect(runGit(work, ["ls-files", "config/.env.local"])).toBe("");
    expect(readFileSync(join(work, "config/payments.js"), "utf8")).toContain("***REMOVED***");
    expect(result.out).toContain("Kept in the work tree, now untracked: config/.env.local");
  });
});

describe("leakguard scrub safety", () => {
  let leak: LeakyRepo;
  beforeAll(() => {
    leak = makeLeakyRepo(); // each test works in its own fresh clone of it
  });

  it("previews without --yes, and --dry-run changes neither refs nor objects", async () => {
    const work = freshClone(leak.origin.dir);
    const refs = refsOf(work);
    const objects = runGit(work, ["cat-file", "--batch-all-objects", "--batch-check"]);
    for (const args of [["--dry-run", "--yes"], []]) {
      const r = await scrub(work, ...args);
      expect(r.code).toBe(0);
      expect(r.out).toContain("nothing was changed");
      expect(r.out).toMatch(/Would change: 9 blobs, 7 of 8 commit ids \(7 commits held something to remove, 0 only descend from one\), 5 refs/);
      expect(r.out).not.toContain(leak.keys.live);
    }
    expect(refsOf(work)).toBe(refs);
    expect(runGit(work, ["cat-file", "--batch-all-objects", "--batch-check"])).toBe(objects);
    expect(existsSync(join(work, ".git/leakguard-scrub"))).toBe(false);
  });

  it("refuses a clone with local changes (exit 2, one line, nothing touched) unless --force", async () => {
    const work = freshClone(leak.origin.dir);
    writeFileSync(join(work, "README.md"), "edited\n");
    const refs = refsOf(work);
    const r = await scrub(work, "--yes");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^\[leakguard\] refusing to rewrite history: this does not look like a fresh clone: it has unstaged changes.*--force\n$/);
    expect(refsOf(work)).toBe(refs);
    const forced = await scrub(work, "--yes", "--force");
    expect(forced.code).toBe(0);
    expect(readFileSync(join(work, "README.md"), "utf8")).toBe("edited\n"); // the user's edit survives
    expect(forced.out).toContain("only the index was moved");
  });

  it("says so and changes nothing when there is nothing to remove", async () => {
    const work = freshClone(makeCleanRepo());
    const refs = refsOf(work);
    const r = await scrub(work, "--yes");
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toMatch(/^Nothing to remove/);
    expect(refsOf(work)).toBe(refs);
  });

  it("rejects a path that is not a repository with exit 2 and a one-line reason", async () => {
    const r = await scrub(tempDir(), "--yes");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^\[leakguard\] not a git repository: .*\n$/);
  });
});

function makeCleanRepo(): string {
  const dir = tempDir();
  execFileSync("git", ["init", "-q", "-b", "main", dir], { env: GIT_TEST_ENV });
  runGit(dir, ["commit", "-q", "--allow-empty", "-m", "empty"]);
  writeFileSync(join(dir, "a.txt"), "no secrets\n");
  runGit(dir, ["add", "."]);
  runGit(dir, ["commit", "-q", "-m", "a"]);
  return dir;
}
