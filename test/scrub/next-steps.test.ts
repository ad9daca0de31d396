import { describe, expect, it } from "vitest";
import { nextSteps, pushCommand, pushRefspecs } from "../../src/scrub/next-steps.js";
import { quoteForShell } from "../../src/scrub/quote-for-shell.js";

const change = (ref: string) => ({ ref, old: "a".repeat(40), new: "b".repeat(40) });

describe("next steps after a scrub", () => {
  it("pushes branches, tags and origin's other branches; never HEAD, stashes, replace refs or pull-request refs", () => {
    expect(
      pushRefspecs(["HEAD", "refs/heads/main", "refs/remotes/origin/main", "refs/remotes/origin/HEAD", "refs/remotes/origin/dev",
        "refs/tags/v1", "refs/pull/7/head", "refs/stash", "refs/replace/" + "c".repeat(40), "refs/remotes/fork/x", "refs/notes/commits"].map(change)),
    ).toEqual([
      "+refs/heads/main:refs/heads/main", "+refs/remotes/origin/dev:refs/heads/dev", "+refs/tags/v1:refs/tags/v1", "+refs/notes/commits:refs/notes/commits",
    ]);
  });

  it("lists rotation, the exact push, re-cloning, GitHub support and the backup, in that order", () => {
    const steps = nextSteps({
      changedRefs: [change("refs/heads/main")], hasRemote: true, mirror: false, pullRefs: 3, keysRemoved: true,
      firstChangedFile: "/r/.git/leakguard-scrub/first-changed-commits", bundle: "/r.leakguard-backup.bundle",
    });
    expect(steps).toHaveLength(5);
    expect(steps[0]).toMatch(/^Rotate every removed key anyway/);
    expect(steps[1]).toContain("\n    git push --force origin +refs/heads/main:refs/heads/main");
    expect(steps[2]).toMatch(/clone again/);
    expect(steps[3]).toMatch(/Support.*first-changed-commits.*3 pull-request ref/s);
    expect(steps[4]).toContain("/r.leakguard-backup.bundle");
  });

  it("names no remote it does not know, and skips rotation when only files were removed", () => {
    const steps = nextSteps({ changedRefs: [change("refs/heads/main")], hasRemote: false, mirror: false, pullRefs: 0, keysRemoved: false, firstChangedFile: null, bundle: null });
    expect(steps[0]).toContain("git push --force REMOTE +refs/heads/main:refs/heads/main");
    expect(steps.join("\n")).not.toMatch(/Rotate|pull-request ref\(s\)/);
  });

  it("quotes every word of the push for the shell, deletes deleted refs, and mirrors in a mirror clone", () => {
    const refs = [change("refs/heads/fix$(touch${IFS}PWNED)"), change("refs/tags/it's"), { ref: "refs/tags/blob", old: "a".repeat(40), new: "0".repeat(40) }];
    expect(pushCommand({ changedRefs: refs, hasRemote: true, mirror: false })).toBe(
      "git push --force origin '+refs/heads/fix$(touch${IFS}PWNED):refs/heads/fix$(touch${IFS}PWNED)' '+refs/tags/it'\\''s:refs/tags/it'\\''s' :refs/tags/blob",
    );
    expect(pushCommand({ changedRefs: refs, hasRemote: true, mirror: true })).toBe("git push --force --mirror origin");
    expect(pushCommand({ changedRefs: [change("HEAD")], hasRemote: true, mirror: false })).toBeNull();
    expect(quoteForShell("/tmp/a b/`x`")).toBe("'/tmp/a b/`x`'");
    expect(quoteForShell("refs/heads/main")).toBe("refs/heads/main");
  });
});
