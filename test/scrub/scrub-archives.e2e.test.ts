import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fakeKey } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit } from "../helpers/repo.js";
import { freshClone } from "./leaky-repo.js";

// Issue 10: "an archive holding a key is reported and deleted with
// --delete-binary-with-keys (the re-scan proves what remains)". A key in a deflated
// member is in no raw byte of the repository: the rewrite, the refs that hold a blob
// directly and the final re-scan all open the archive, and an archive that cannot be
// opened whole is never passed as clean.

/** The CLI in process, as a user runs it; `out` is its stdout. */
async function scrub(...args: string[]) {
  const r = await runCli(["scrub", ...args], { env: GIT_TEST_ENV });
  return { code: r.code, out: r.stdout };
}

/** An .apk (a zip) whose one member is deflated: the key is not in its raw bytes. */
function apkWith(key: string): Buffer {
  const apk = Buffer.from(zipSync({ "classes.dex": strToU8("Lcom/shop/Pay;".repeat(400) + `"${key}"` + "V".repeat(400)) }, { level: 9 }));
  expect(apk.includes(key)).toBe(false);
  return apk;
}

describe("scrub and archives held outside any commit", () => {
  it("opens an archive a tag holds directly: kept and named without the flag, the ref deleted with it", async () => {
    const key = fakeKey();
    const origin = makeRepo();
    origin.commit("init", { "README.md": "x\n" });
    // `git tag NAME <blob>`: a ref holds the build, no commit does (fast-export never sees it).
    origin.write("build.apk", apkWith(key));
    const blob = runGit(origin.dir, ["hash-object", "-w", "build.apk"]).trim();
    origin.remove("build.apk");
    runGit(origin.dir, ["tag", "release-build", blob]);

    const kept = freshClone(origin.dir);
    const r = await scrub(kept, "--yes");
    expect(r.code).toBe(0);
    expect(r.out).toContain("refs/tags/release-build (blob): a binary holding a key: left as it is");
    expect(r.out).toContain("No ref changed; the repository was left as it was.");
    expect(r.out).not.toContain(key);

    const deleted = freshClone(origin.dir);
    const d = await scrub(deleted, "--yes", "--delete-binary-with-keys");
    expect(d.code).toBe(0);
    expect(d.out).toContain("refs/tags/release-build (blob): deleted (--delete-binary-with-keys)");
    expect(d.out).toContain("Re-scan of every object left in the repository: clean.");
    expect(runGit(deleted, ["tag", "-l"])).toBe("");
    expect(() => runGit(deleted, ["cat-file", "-e", blob])).toThrow(); // pruned, not just unreferenced
  });
});

describe("scrub's re-scan and an archive it cannot open whole", () => {
  it("names a damaged archive as not fully scanned instead of calling the history clean", async () => {
    const origin = makeRepo();
    origin.commit("init", { "README.md": "x\n", ".env": `K=${fakeKey()}\n` });
    const apk = apkWith(fakeKey());
    // Cut inside the deflated member: whatever follows the cut cannot be read.
    origin.commit("broken build", { "dist/app.apk": apk.subarray(0, Math.floor(apk.length / 2)) });
    const work = freshClone(origin.dir);
    const r = await scrub(work, "--yes");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Files removed from every commit:\n  .env (in 1 commit)");
    expect(r.out).toMatch(/still finds 1 finding:\n  not-fully-scanned \(archive not a readable zip file .*\) dist\/app\.apk\n/);
    expect(r.out).not.toContain("Re-scan of every object left in the repository: clean.");
  });
});
