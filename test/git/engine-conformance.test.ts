import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GitEngine } from "../../src/git/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { CorruptRepositoryError, UsageError } from "../../src/errors.js";
import { makeRepo, runGit, tempDir } from "../helpers/repo.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { collect, ENGINES, walk } from "./engine-helpers.js";
import { bare, branchy, hostile, HOSTILE_KEYS, KEYS, linear, missingBlob, packed, partial, shallow, skewed, submodule } from "./history-fixtures.js";

// One suite, two engines: whatever reads the repository, a history scan must see the
// same commits, the same introduced blobs and the same findings.

const git = (dir: string, ...args: string[]) => runGit(dir, args).trim();
const blobAt = (dir: string, rev: string, path: string) => git(dir, "rev-parse", `${rev}:${path}`);

describe.each(ENGINES)("$name engine", ({ open }) => {
  it("walks every commit once, newest first, listing the blobs each one introduces", async () => {
    const { dir, commits: c } = linear();
    const log = await walk(open(dir));
    expect(log.map((x) => x.oid)).toEqual(git(dir, "log", "--all", "--format=%H").split("\n"));
    const at = (oid: string) => log.find((x) => x.oid === oid)!;
    // a root commit introduces its whole tree
    expect(at(c.init).changes.map((x) => x.path)).toEqual(["README.md", "docs/guide.md", "src/app.js"]);
    // a rename introduces the same blob at the new path; a deletion introduces nothing
    expect(at(c.rename).changes).toEqual([{ path: "config/new name.js", blob: blobAt(dir, c.addKey, "config/old.js"), mode: "100644" }]);
    expect(at(c.removeKey).changes.map((x) => x.path)).toEqual(["src/billing.js"]);
    expect(at(c.removeKey).message).toBe(`drop key\n\nwas ${KEYS.message}\n`);
    expect(at(c.odd).changes.map((x) => [x.path, x.mode])).toEqual([
      ["café.js", "100644"],
      ["k\uFFFD.txt", "100644"],
      ["link", "120000"],
      ["my dir/a b.txt", "100644"],
      ["src/app.js", "100755"], // same content, new mode
    ]);
  });

  it("gives the author as `Name <email>` and the date as git's %aI, in the author's offset", async () => {
    const log = await walk(open(linear().dir));
    expect(log.slice(0, 2).map((x) => [x.author, x.date])).toEqual([
      ["Ada Dev <ada@example.com>", "2027-01-15T00:01:40-08:00"],
      ["Ada Dev <ada@example.com>", "2027-01-15T13:30:00+05:30"],
    ]);
    expect(log.at(-1)!.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  it("walks branches, tags, notes, remote-tracking and custom refs, and merges against their first parent", async () => {
    const { dir, commits: c } = branchy();
    const log = await walk(open(dir));
    expect(new Set(log.map((x) => x.oid))).toEqual(new Set(git(dir, "rev-list", "--all").split("\n")));
    expect(log.map((x) => x.oid)).toContain(c.custom);
    const merge = log.find((x) => x.oid === c.merge)!;
    expect(merge.changes).toEqual([
      { path: ".env", blob: blobAt(dir, c.feature, ".env"), mode: "100644" },
      { path: "app.conf", blob: blobAt(dir, c.merge, "app.conf"), mode: "100644" },
    ]);
  });

  it("reads packed refs and packed objects exactly as loose ones", async () => {
    expect(await walk(open(packed().dir))).toEqual(await walk(open(branchy().dir)));
    expect(await collect(open(packed().dir).tags({ all: true }))).toEqual(await collect(open(branchy().dir).tags({ all: true })));
  });

  it("walks a range, and what a push adds beyond every existing ref", async () => {
    const { dir, commits: c } = branchy();
    const range = await walk(open(dir), { include: [c.merge], exclude: [c.base] });
    expect(range.map((x) => x.oid)).toEqual(git(dir, "log", "--format=%H", c.merge, `^${c.base}`).split("\n"));
    expect(await walk(open(dir), { include: [c.custom], excludeAllRefs: true })).toEqual([]);

    const repo = makeRepo();
    const head = repo.commit("one", { "a.txt": "a\n" });
    const tree = git(repo.dir, "write-tree");
    const pushed1 = git(repo.dir, "commit-tree", tree, "-p", head, "-m", "new one");
    const pushed2 = git(repo.dir, "commit-tree", tree, "-p", pushed1, "-m", "new two");
    const pushed = await walk(open(repo.dir), { include: [pushed2], excludeAllRefs: true });
    expect(pushed.map((x) => x.oid)).toEqual([pushed2, pushed1]);
  });

  it("lists every commit after all of its descendants, even when clocks disagree", async () => {
    const { dir, commits: c } = skewed();
    const order = (await walk(open(dir))).map((x) => x.oid);
    expect(order.indexOf(c.copy)).toBeLessThan(order.indexOf(c.original));
    const { findings } = await scanHistory({ engine: open(dir), selection: { all: true } });
    // the same blob at two paths (issue 10): reported at each, with that path's own introduction
    expect(findings.map((f) => [f.path, f.commit])).toEqual([
      ["a.js", c.original],
      ["copy.js", c.copy],
    ]);
  });

  it("counts gitlinks instead of listing them", async () => {
    const { dir, gitlinkCommits } = submodule();
    const log = await walk(open(dir));
    expect(log.filter((x) => x.gitlinks > 0).map((x) => x.oid).sort()).toEqual([...gitlinkCommits].sort());
    expect(log.flatMap((x) => x.changes).some((ch) => ch.path === "vendor/sub")).toBe(false);
    const result = await scanHistory({ engine: open(dir), selection: { all: true } });
    expect(result.stats.submodules).toBe(2);
  });

  it("scans a shallow clone as far as it goes, its boundary commit as a root", async () => {
    const dir = shallow();
    const log = await walk(open(dir));
    expect(log).toHaveLength(2);
    expect(log[1]!.changes.map((x) => x.path)).toContain("src/billing.js");
    expect(await open(dir).isShallow()).toBe(true);
    expect(await open(linear().dir).isShallow()).toBe(false);
  });

  it("opens a bare repository, a .git directory and a subdirectory of a work tree", async () => {
    const expected = await walk(open(branchy().dir));
    expect(await walk(open(bare()))).toEqual(expected);
    expect(await walk(open(join(branchy().dir, ".git")))).toEqual(expected);
    const sub = join(linear().dir, "src");
    expect((await walk(open(sub))).length).toBe((await walk(open(linear().dir))).length);
    // a submodule checkout, whose .git is a `gitdir:` file
    const nested = join(submodule().dir, "vendor/sub");
    expect(statSync(join(nested, ".git")).isFile()).toBe(true);
    expect((await walk(open(nested))).map((c) => c.message)).toEqual(["s2\n", "s1\n"]);
  });

  it("opens a linked worktree: shared objects and refs, its own HEAD", async () => {
    const repo = makeRepo();
    const first = repo.commit("one", { "a.txt": "1\n" });
    const second = repo.commit("two", { "a.txt": "2\n" });
    const wt = join(tempDir(), "wt");
    git(repo.dir, "worktree", "add", "-q", "--detach", wt, first);
    const engine = open(wt);
    expect(await engine.resolve("HEAD")).toBe(first);
    expect(await engine.resolve("main")).toBe(second);
    expect((await walk(engine)).map((c) => c.oid)).toEqual([second, first]);
  });

  it("yields annotated tags with their messages, and only the tags a push names", async () => {
    const { dir, commits: c } = branchy();
    const engine = open(dir);
    const tags = await collect(engine.tags({ all: true }));
    const v2 = git(dir, "rev-parse", "refs/tags/v2");
    expect(tags.map((t) => [t.name, t.target])).toEqual([
      ["v2", c.feature],
      ["v2-outer", v2],
    ]);
    expect(tags[0]!.message.toString()).toBe(`release\n\nsigned off with ${KEYS.tagMessage}\n`);
    expect(tags[0]!.tagger).toBe("Ada Dev <ada@example.com>");
    expect((await collect(engine.tags({ include: [v2], excludeAllRefs: true }))).map((t) => t.name)).toEqual(["v2"]);
    expect(await collect(engine.tags({ include: [c.feature], excludeAllRefs: true }))).toEqual([]);
  });

  it("reads blobs by id, and every reachable blob for `all`", async () => {
    const { dir, commits: c } = packed();
    const engine = open(dir);
    const id = blobAt(dir, c.merge, "app.conf");
    const [blob] = await collect(engine.readBlobs([id]));
    expect(blob!.bytes.toString()).toBe(`mode=merged\nkey=${KEYS.merge}\n`);
    const all = new Set((await collect(engine.readBlobs("all"))).map((b) => b.oid));
    const reachable = git(dir, "rev-list", "--all", "--objects").split("\n").map((l) => l.slice(0, 40));
    const blobs = reachable.filter((o) => git(dir, "cat-file", "-t", o) === "blob");
    for (const b of blobs) expect(all.has(b)).toBe(true);
  });

  it("resolves branch and tag names, abbreviated ids and ~/^ suffixes to commits", async () => {
    const { dir, commits: c } = branchy();
    const engine = open(dir);
    expect(await engine.resolve("main")).toBe(c.merge);
    expect(await engine.resolve("v2")).toBe(c.feature); // annotated tags peel to their commit
    expect(await engine.resolve("refs/custom/x")).toBe(c.custom);
    expect(await engine.resolve(c.base.slice(0, 10))).toBe(c.base);
    expect(await engine.resolve("main^2")).toBe(c.feature);
    expect(await engine.resolve("main~2")).toBe(c.base);
    expect(await engine.resolve("HEAD")).toBe(c.merge);
  });

  it("refuses, with a usage error, a missing directory, a folder that is no repository, an unknown revision", async () => {
    await expect(open(join(tempDir(), "missing")).open()).rejects.toBeInstanceOf(UsageError);
    const plain = join(tempDir(), "plain");
    mkdirSync(plain);
    await expect(open(plain).open()).rejects.toThrow(/not a git repository/);
    await expect(open(plain).open()).rejects.toBeInstanceOf(UsageError);
    const engine = open(branchy().dir);
    await expect(engine.resolve("no-such-branch")).rejects.toThrow(/unknown revision: no-such-branch/);
    await expect(engine.resolve("main~40")).rejects.toBeInstanceOf(UsageError);
    await expect(engine.resolve("--all")).rejects.toBeInstanceOf(UsageError);
    // An object the repository should hold and does not: it is corrupt, not the user's mistake.
    await expect(collect(engine.readBlobs(["0123456789012345678901234567890123456789"]))).rejects.toBeInstanceOf(CorruptRepositoryError);
  });

  it("finds keys held where no commit walk looks: refs and tags to blobs and trees, tag chains, raw messages, replaced commits", async () => {
    const h = hostile();
    const { findings, stats } = await scanHistory({ engine: open(h.dir), selection: { all: true } });
    const at = (key: string) => findings.filter((f) => f.redacted === redacted(key)).map((f) => [f.path, f.source, f.commit]);
    const K = HOSTILE_KEYS;
    expect(at(K.blobRef)).toEqual([["(blob held by refs/tags/blob-ref)", "file", null]]);
    expect(at(K.treeRef)).toEqual([["config/stripe.yml", "file", null]]);
    expect(findings.filter((f) => f.rule === "dotenv-file").map((f) => f.path)).toEqual([".env"]);
    expect(at(K.blobTag)).toEqual([["(blob held by tag tag-of-blob)", "file", null]]);
    expect(at(K.treeTag)).toEqual([["deploy.sh", "file", null]]);
    expect(at(K.innerTag)).toEqual([["(tag inner message)", "tag-message", git(h.dir, "rev-parse", "main~1")]]);
    expect(at(K.utf16)).toEqual([["(commit message)", "commit-message", h.objects.utf16]]);
    expect(at(K.nulMessage)).toEqual([["(commit message)", "commit-message", h.objects.nul]]);
    // the replace ref shows a clean decoy in place of the leaking commit; the scan reads the real one
    expect(at(K.replaced)).toEqual([["pay.js", "file", h.objects.replaced]]);
    expect(stats.incomplete).toBe(false);
    expect(JSON.stringify(findings)).not.toMatch(/[sr]k_live_[A-Za-z0-9]{20}/);
  });

  it("scans what a push names when it is a blob, a tree or a tag chain, not only commits", async () => {
    const h = hostile();
    const push = (include: string[]) => scanHistory({ engine: open(h.dir), selection: { include, excludeAllRefs: true } });
    const keysOf = async (include: string[]) => (await push(include)).findings.map((f) => f.redacted ?? f.rule);
    expect(await keysOf([h.objects.blobRef])).toEqual([redacted(HOSTILE_KEYS.blobRef)]);
    expect((await keysOf([h.objects.treeRef])).sort()).toEqual(["dotenv-file", redacted(HOSTILE_KEYS.treeRef)].sort());
    expect(await keysOf([git(h.dir, "rev-parse", "refs/tags/outer")])).toEqual([redacted(HOSTILE_KEYS.innerTag)]);
    expect(await keysOf([git(h.dir, "rev-parse", "refs/tags/tag-of-blob")])).toEqual([redacted(HOSTILE_KEYS.blobTag)]);
  });

  it("names the objects it could not read and says the result is incomplete: a deleted blob, a blobless partial clone", async () => {
    const m = missingBlob();
    const a = await scanHistory({ engine: open(m.dir), selection: { all: true } });
    expect(a.stats).toMatchObject({ incomplete: true, partial: true, unreadObjects: [m.missing] });
    const p = partial();
    const b = await scanHistory({ engine: open(p.dir), selection: { all: true } });
    expect(b.stats).toMatchObject({ incomplete: true, partial: true, unreadObjects: p.missing });
    expect(b.findings).toEqual([]);
    expect((await scanHistory({ engine: open(linear().dir), selection: { all: true } })).stats).toMatchObject({ incomplete: false, unreadObjects: [] });
  });

  it("fails with a typed error, not a skipped blob, when an object is corrupt", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("leak", { "a.js": `k = "${key}"\n` });
    const blob = git(repo.dir, "rev-parse", "HEAD:a.js");
    const file = join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, Buffer.from("not a zlib stream at all"));
    const err = await scanHistory({ engine: open(repo.dir), selection: { all: true } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRepositoryError);
    expect(String(err)).not.toContain(key);
    expect((err as Error).message).toMatch(new RegExp(`^(?!\\[leakguard\\])[^\\n]*${blob}[^\\n]*$`));
  });

  it("attributes each finding to the commit and path that introduced it", async () => {
    const l = linear();
    const { findings } = await scanHistory({ engine: open(l.dir), selection: { all: true } });
    const by = (key: string) => findings.filter((f) => f.redacted === redacted(key)).map((f) => [f.path, f.commit, f.source]);
    expect(by(KEYS.removed)).toEqual([["src/billing.js", l.commits.addKey, "file"]]);
    // A rename puts the key at a second path (issue 10): both are exposures to clean.
    expect(by(KEYS.renamed)).toEqual([
      ["config/new name.js", l.commits.rename, "file"],
      ["config/old.js", l.commits.addKey, "file"],
    ]);
    expect(by(KEYS.message)).toEqual([["(commit message)", l.commits.removeKey, "commit-message"]]);
    expect(by(KEYS.odd)).toEqual([["k\uFFFD.txt", l.commits.odd, "file"]]);

    const b = branchy();
    const res = await scanHistory({ engine: open(b.dir), selection: { all: true } });
    const in2 = (key: string) => res.findings.filter((f) => f.redacted === redacted(key)).map((f) => [f.path, f.commit]);
    expect(in2(KEYS.merge)).toEqual([["app.conf", b.commits.merge]]);
    expect(in2(KEYS.branch)).toEqual([[".env", b.commits.feature]]);
    expect(in2(KEYS.customRef)).toEqual([["custom.txt", b.commits.custom]]);
    expect(in2(KEYS.tagMessage)).toEqual([["(tag v2 message)", b.commits.feature]]);
    expect(in2(KEYS.note)).toHaveLength(1);
    const text = JSON.stringify(res.findings) + JSON.stringify(findings);
    for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
  });
});

const FIXTURES = [
  { name: "a linear history", dir: () => linear().dir, gitLogMessages: true },
  { name: "branches, a merge, tags and other refs", dir: () => branchy().dir, gitLogMessages: true },
  { name: "a packed repository", dir: () => packed().dir, gitLogMessages: true },
  { name: "a shallow clone", dir: shallow, gitLogMessages: true },
  { name: "a bare mirror", dir: bare, gitLogMessages: true },
  { name: "a superproject with a gitlink", dir: () => submodule().dir, gitLogMessages: true },
  { name: "a history with clock skew", dir: () => skewed().dir, gitLogMessages: true },
  // `git log` re-encodes a UTF-16LE message and stops at a NUL: the walks' messages differ
  // there by design, and the scans (which read raw commit objects) must still agree.
  { name: "refs to blobs and trees, tag chains, encoded messages and a replace ref", dir: () => hostile().dir, gitLogMessages: false },
] as const;

describe.each(FIXTURES)("both engines agree on $name", ({ dir, gitLogMessages }) => {
  const [native, iso] = ENGINES;

  it("walk the same commits in the same order with the same changes", async () => {
    const plain = (log: Awaited<ReturnType<typeof walk>>) => (gitLogMessages ? log : log.map((c) => ({ ...c, message: "" })));
    const expected = plain(await walk(native.open(dir())));
    expect(expected.length).toBeGreaterThan(0);
    expect(plain(await walk(iso.open(dir())))).toEqual(expected);
  });

  it("list the same annotated tags", async () => {
    expect(await collect(iso.open(dir()).tags({ all: true }))).toEqual(await collect(native.open(dir()).tags({ all: true })));
  });

  it("report the same findings, attributed to the same commits", async () => {
    const a = await scanHistory({ engine: native.open(dir()), selection: { all: true } });
    const b = await scanHistory({ engine: iso.open(dir()), selection: { all: true } });
    expect(b.findings).toEqual(a.findings);
    expect(b.findings.length).toBeGreaterThan(0);
    expect({ ...b.stats, ms: 0, blobs: 0, bytes: 0 }).toEqual({ ...a.stats, ms: 0, blobs: 0, bytes: 0 });
  });

  it("report the same findings for a range", async () => {
    const sel = { include: [git(dir(), "rev-parse", "HEAD")], exclude: [git(dir(), "rev-parse", "HEAD~1")] };
    const a = await scanHistory({ engine: native.open(dir()), selection: sel });
    const b = await scanHistory({ engine: iso.open(dir()), selection: sel });
    expect(b.findings).toEqual(a.findings);
    expect(b.stats.commits).toBe(a.stats.commits);
    expect(b.stats.blobs).toBe(a.stats.blobs);
  });

  it("resolve revisions alike, and refuse the same unknown ones", async () => {
    const revs = ["HEAD", "HEAD~1", "HEAD^", "main", "v2", "v1-light", "origin/main", "refs/custom/x", "nope", "HEAD~99"];
    const answer = (e: GitEngine) => Promise.all(revs.map((r) => e.resolve(r).catch((err: unknown) => (err instanceof UsageError ? "usage" : String(err)))));
    expect(await answer(iso.open(dir()))).toEqual(await answer(native.open(dir())));
  });
});
