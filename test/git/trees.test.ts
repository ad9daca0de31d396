import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { listTreeEntries, parseTreeListing, treeRow } from "../../src/git/trees.js";
import { GIT_TEST_ENV, makeRepo, runGit } from "../helpers/repo.js";

/** `git mktree -z` fed raw bytes (paths that are not UTF-8). */
function mktree(dir: string, input: Buffer): string {
  return execFileSync("git", ["mktree", "-z"], { cwd: dir, env: GIT_TEST_ENV, input }).toString().trim();
}

describe("listTreeEntries on a real repository", () => {
  const repo = makeRepo();
  const sub = makeRepo();
  const subHead = sub.commit("sub", { "s.txt": "s\n" });
  repo.write("top.txt", "top\n");
  repo.write("dir/deep/file.txt", "deep\n");
  // A path git lists unquoted under -z: tab, newline and a space inside the name.
  repo.write("odd\tname\nwith space.txt", "odd\n");
  runGit(repo.dir, ["add", "-A"]);
  runGit(repo.dir, ["update-index", "--add", "--cacheinfo", `160000,${subHead},vendor/sub`]);
  runGit(repo.dir, ["commit", "-q", "-m", "all"]); // not repo.commit: its `add -A` would drop the gitlink
  const head = repo.head();
  const opts = { cwd: repo.dir, env: GIT_TEST_ENV };

  it("lists every blob and gitlink by full path when recursive", async () => {
    const entries = await listTreeEntries(head, opts, { recursive: true });
    expect(entries.map((e) => [e.path, e.type, e.mode])).toEqual([
      ["dir/deep/file.txt", "blob", "100644"],
      ["odd\tname\nwith space.txt", "blob", "100644"],
      ["top.txt", "blob", "100644"],
      ["vendor/sub", "commit", "160000"],
    ]);
    expect(entries.find((e) => e.path === "top.txt")!.oid).toBe(repo.git("rev-parse", `${head}:top.txt`).trim());
  });

  it("lists the top level only, trees included, when not recursive", async () => {
    const entries = await listTreeEntries(head, opts);
    expect(entries.map((e) => [e.path, e.type])).toEqual([
      ["dir", "tree"],
      ["odd\tname\nwith space.txt", "blob"],
      ["top.txt", "blob"],
      ["vendor", "tree"],
    ]);
  });

  it("limits the listing to the paths asked for, and a missing path is simply absent", async () => {
    const entries = await listTreeEntries(head, opts, { paths: ["top.txt", "nope.txt", "dir/deep/file.txt"] });
    expect(entries.map((e) => e.path)).toEqual(["dir/deep/file.txt", "top.txt"]);
  });

  it("keeps every byte of a path in latin1, so the rows build the same tree again", async () => {
    const bytes = Buffer.from([0x6b, 0xe9, 0xff, 0x2e, 0x74]); // not valid UTF-8
    const other = makeRepo();
    const blob = runGit(other.dir, ["hash-object", "-w", "--stdin"], "x\n").trim();
    const tree = mktree(other.dir, Buffer.concat([Buffer.from(`100644 blob ${blob}\t`), bytes, Buffer.from([0])]));
    const entries = await listTreeEntries(tree, { cwd: other.dir, env: GIT_TEST_ENV }, { encoding: "latin1" });
    expect(Buffer.from(entries[0]!.path, "latin1")).toEqual(bytes);
    const again = mktree(other.dir, Buffer.from(entries.map(treeRow).join("\0") + "\0", "latin1"));
    expect(again).toBe(tree);
  });
});

describe("parseTreeListing", () => {
  it("leaves out a record that has no tab instead of inventing an entry", () => {
    const oid = "a".repeat(40);
    const out = Buffer.from(`garbage\x00100644 blob ${oid}\tok.txt\0`);
    expect(parseTreeListing(out)).toEqual([{ mode: "100644", type: "blob", oid, path: "ok.txt" }]);
  });
});
