import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestRepo } from "../helpers/repo.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";
import { fakeKey, fakeLongKey } from "../helpers/keys.js";

// Repositories with the shapes history scanning has to get right, built with the git
// binary. Each is built once per test file (memoised) and only read afterwards.

/** Keys planted in the fixtures, generated at run time. */
export const KEYS = {
  removed: fakeKey(),
  renamed: fakeLongKey(),
  merge: fakeKey("rk"),
  branch: fakeKey("sk", "test"),
  tagMessage: fakeKey(),
  customRef: fakeKey(),
  note: fakeKey(),
  message: fakeKey("rk", "test"),
  odd: fakeKey(),
} as const;

/** Commits with explicit dates and offsets (the helper's own dates are all +0000). */
function commitAt(repo: TestRepo, message: string, files: Record<string, string | null>, date: string): string {
  for (const [p, c] of Object.entries(files)) {
    if (c === null) repo.remove(p);
    else repo.write(p, c);
  }
  runGit(repo.dir, ["add", "-A"]);
  runGit(repo.dir, ["commit", "-q", "--allow-empty", "-m", message], undefined, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return repo.head();
}

export interface Linear {
  dir: string;
  commits: { init: string; addKey: string; rename: string; removeKey: string; odd: string; offsets: string };
}

/** One branch: adds, a rename, a deletion, a key added then removed, odd paths and modes. */
function buildLinear(): Linear {
  const repo = makeRepo();
  const init = repo.commit("init", { "README.md": "hello\n", "src/app.js": "console.log(1);\n", "docs/guide.md": "guide\n" });
  const addKey = repo.commit("add billing", { "src/billing.js": `const key = "${KEYS.removed}";\n`, "config/old.js": `k = "${KEYS.renamed}"\n` });
  repo.git("mv", "config/old.js", "config/new name.js");
  const rename = repo.commit("rename config");
  const removeKey = repo.commit(`drop key\n\nwas ${KEYS.message}`, { "src/billing.js": "const key = process.env.STRIPE_KEY;\n", "docs/guide.md": null });
  // A path that is not UTF-8, an executable bit, a symlink, a space in a directory name.
  writeFileSync(join(repo.dir, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x6a, 0x73]).toString("latin1")), "x\n");
  writeFileSync(Buffer.concat([Buffer.from(repo.dir + "/"), Buffer.from([0x6b, 0xff, 0x2e, 0x74, 0x78, 0x74])]), `${KEYS.odd}\n`);
  chmodSync(join(repo.dir, "src/app.js"), 0o755);
  symlinkSync("README.md", join(repo.dir, "link"));
  repo.write("my dir/a b.txt", "spaced\n");
  const odd = repo.commit("odd paths");
  const offsets = commitAt(repo, "east", { "east.txt": "e\n" }, "1800000000 +0530");
  commitAt(repo, "west", { "west.txt": "w\n" }, "1800000100 -0800");
  return { dir: repo.dir, commits: { init, addKey, rename, removeKey, odd, offsets } };
}

export interface Branchy {
  dir: string;
  commits: { base: string; feature: string; merge: string; custom: string };
}

/**
 * Two branches and a merge whose conflict resolution brings a key that neither side
 * had; tags (lightweight, annotated, a tag of a tag), a note, a remote-tracking ref, a
 * ref outside the usual namespaces, and a detached commit reachable only from it.
 */
function buildBranchy(): Branchy {
  const repo = makeRepo();
  const base = repo.commit("base", { "app.conf": "mode=a\n", "keep.txt": "k\n" });
  repo.git("checkout", "-q", "-b", "feature");
  const feature = repo.commit("feature", { "app.conf": "mode=feature\n", ".env": `STRIPE_KEY=${KEYS.branch}\n` });
  repo.git("checkout", "-q", "main");
  repo.commit("main side", { "app.conf": "mode=main\n" });
  try {
    repo.git("merge", "-q", "--no-edit", "feature");
  } catch {
    // the conflict is the point: resolve it with content neither side had
  }
  repo.write("app.conf", `mode=merged\nkey=${KEYS.merge}\n`);
  runGit(repo.dir, ["add", "-A"]);
  repo.git("commit", "-q", "--no-edit");
  const merge = repo.head();
  repo.git("tag", "v1-light", base);
  repo.git("tag", "-a", "v2", "-m", `release\n\nsigned off with ${KEYS.tagMessage}`, feature);
  repo.git("tag", "-a", "v2-outer", "-m", "tag of a tag", "v2");
  repo.git("notes", "add", "-m", `note ${KEYS.note}`, base);
  repo.git("update-ref", "refs/remotes/origin/main", feature);
  const tree = runGit(repo.dir, ["mktree"], `100644 blob ${runGit(repo.dir, ["hash-object", "-w", "--stdin"], `x=${KEYS.customRef}\n`).trim()}\tcustom.txt\n`).trim();
  const custom = repo.git("commit-tree", tree, "-p", base, "-m", "custom").trim();
  repo.git("update-ref", "refs/custom/x", custom);
  return { dir: repo.dir, commits: { base, feature, merge, custom } };
}

/** The branchy repository after `git pack-refs --all` and `git gc`: everything packed. */
function buildPacked(): Branchy {
  const b = branchy();
  const dir = join(tempDir("leakguard-packed-"), "repo");
  cpSync(b.dir, dir, { recursive: true });
  runGit(dir, ["pack-refs", "--all"]);
  runGit(dir, ["gc", "-q", "--prune=now"]);
  return { dir, commits: b.commits };
}

/** A shallow clone of the linear history, two commits deep. */
function buildShallow(): string {
  const dir = join(tempDir("leakguard-shallow-"), "clone");
  runGit(tempDir(), ["clone", "-q", "--no-local", "--depth", "2", `file://${linear().dir}`, dir]);
  return dir;
}

/** A bare clone of the branchy repository (every ref kept with --mirror). */
function buildBare(): string {
  const dir = join(tempDir("leakguard-bare-"), "repo.git");
  runGit(tempDir(), ["clone", "-q", "--mirror", branchy().dir, dir]);
  return dir;
}

/** A superproject whose gitlink is added, then moved to another commit of the sub repo. */
function buildSubmodule(): { dir: string; gitlinkCommits: string[] } {
  const sub = makeRepo();
  const s1 = sub.commit("s1", { "s.txt": "1\n" });
  const s2 = sub.commit("s2", { "s.txt": "2\n" });
  const repo = makeRepo();
  repo.commit("init", { "a.txt": "a\n" });
  // A nested clone is what `git add` records as a gitlink (mode 160000), as a submodule does.
  runGit(repo.dir, ["clone", "-q", sub.dir, "vendor/sub"]);
  runGit(join(repo.dir, "vendor/sub"), ["checkout", "-q", s1]);
  const first = repo.commit("add submodule", { ".gitmodules": `[submodule "sub"]\n\tpath = vendor/sub\n\turl = ${sub.dir}\n` });
  runGit(join(repo.dir, "vendor/sub"), ["checkout", "-q", s2]);
  const second = repo.commit("bump submodule", { "b.txt": `b=${KEYS.removed}\n` });
  // As `git submodule` leaves it: the sub repo's .git is a file pointing into .git/modules.
  runGit(repo.dir, ["submodule", "absorbgitdirs"]);
  return { dir: repo.dir, gitlinkCommits: [first, second] };
}

export interface Skewed {
  dir: string;
  /** The commit that first added the key, and a later one (dated earlier) that copied it. */
  commits: { original: string; copy: string };
}

/**
 * Clocks that disagree: a merge of A (dated long ago) and B, both children of Y; A copies
 * a key Y added. Plain date order would list Y before its child A and credit A.
 */
function buildSkewed(): Skewed {
  const repo = makeRepo();
  repo.commit("root", { "r.txt": "r\n" }); // the helper's dates: around 1.7e9
  const original = commitAt(repo, "Y adds the key", { "a.js": `k = "${KEYS.customRef}"\n` }, "1750000000 +0000");
  repo.git("checkout", "-q", "-b", "side");
  const copy = commitAt(repo, "A copies it", { "copy.js": `k = "${KEYS.customRef}"\n` }, "1600000000 +0000");
  repo.git("checkout", "-q", "main");
  commitAt(repo, "B", { "b.txt": "b\n" }, "1760000000 +0000");
  runGit(repo.dir, ["merge", "-q", "--no-edit", "side"], undefined, { GIT_AUTHOR_DATE: "1770000000 +0000", GIT_COMMITTER_DATE: "1770000000 +0000" });
  return { dir: repo.dir, commits: { original, copy } };
}

function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

export const linear = once(buildLinear);
export const branchy = once(buildBranchy);
export const packed = once(buildPacked);
export const shallow = once(buildShallow);
export const bare = once(buildBare);
export const submodule = once(buildSubmodule);
export const skewed = once(buildSkewed);

/** Keys for the shapes an attacker uses to get around a commit walk (issue 8). */
export const HOSTILE_KEYS = {
  blobRef: fakeKey(),
  treeRef: fakeKey(),
  blobTag: fakeKey(),
  treeTag: fakeKey(),
  innerTag: fakeKey(),
  utf16: fakeKey(),
  nulMessage: fakeKey(),
  replaced: fakeKey(),
} as const;

export interface Hostile {
  dir: string;
  objects: { blobRef: string; treeRef: string; blobTag: string; utf16: string; nul: string; replaced: string; decoy: string; innerTag: string };
}

function hashObject(dir: string, type: string, content: string | Buffer): string {
  return execFileSync("git", ["hash-object", "-t", type, "-w", "--stdin", "--literally"], { cwd: dir, input: content, env: GIT_TEST_ENV }).toString().trim();
}

/**
 * Every way to hold a key where a commit walk does not look: a ref to a blob, a ref to a
 * tree holding a `.env`, an annotated tag of a blob and of a tree, a tag chain whose inner
 * tag (no ref of its own) carries the key in its message, a commit whose message is
 * UTF-16LE (`encoding` header) and one with a NUL before the key, and a replace ref that
 * shows a clean decoy in place of the leaking commit.
 */
function buildHostile(): Hostile {
  const repo = makeRepo();
  const base = repo.commit("init", { "README.md": "hello\n" });
  const dir = repo.dir;
  const K = HOSTILE_KEYS;
  const blobRef = hashObject(dir, "blob", `token=${K.blobRef}\n`);
  runGit(dir, ["update-ref", "refs/tags/blob-ref", blobRef]);
  const envBlob = hashObject(dir, "blob", "DATABASE_URL=postgres://localhost/x\n");
  const keyBlob = hashObject(dir, "blob", `key: ${K.treeRef}\n`);
  const sub = runGit(dir, ["mktree"], `100644 blob ${keyBlob}\tstripe.yml\n`).trim();
  const treeRef = runGit(dir, ["mktree"], `100644 blob ${envBlob}\t.env\n040000 tree ${sub}\tconfig\n`).trim();
  runGit(dir, ["update-ref", "refs/trees/env", treeRef]);
  const blobTag = hashObject(dir, "blob", `secret=${K.blobTag}\n`);
  repo.git("tag", "-a", "tag-of-blob", "-m", "a blob", blobTag);
  const tagTree = runGit(dir, ["mktree"], `100644 blob ${hashObject(dir, "blob", `k=${K.treeTag}\n`)}\tdeploy.sh\n`).trim();
  repo.git("tag", "-a", "tag-of-tree", "-m", "a tree", tagTree);
  repo.git("tag", "-a", "inner", "-m", `inner notes ${K.innerTag}`, base);
  const innerTag = runGit(dir, ["rev-parse", "refs/tags/inner"]).trim();
  repo.git("tag", "-a", "outer", "-m", "outer", "inner");
  runGit(dir, ["update-ref", "-d", "refs/tags/inner"]);
  const tree = runGit(dir, ["rev-parse", `${base}^{tree}`]).trim();
  const head = (extra = "") => `tree ${tree}\nparent ${base}\nauthor Ada Dev <ada@example.com> 1700000000 +0000\ncommitter Ada Dev <ada@example.com> 1700000000 +0000\n${extra}\n`;
  const utf16 = hashObject(dir, "commit", Buffer.concat([Buffer.from(head("encoding UTF-16LE\n")), Buffer.from(`rotate ${K.utf16}\n`, "utf16le")]));
  runGit(dir, ["update-ref", "refs/heads/utf16", utf16]);
  const nul = hashObject(dir, "commit", Buffer.concat([Buffer.from(head()), Buffer.from("harmless\n\0"), Buffer.from(`${K.nulMessage}\n`)]));
  runGit(dir, ["update-ref", "refs/heads/nul", nul]);
  repo.git("checkout", "-q", "-b", "leaky");
  const replaced = repo.commit("config", { "pay.js": `stripe("${K.replaced}")\n` });
  repo.git("checkout", "-q", "main");
  const decoy = runGit(dir, ["commit-tree", tree, "-p", base, "-m", "config"], undefined, { GIT_AUTHOR_DATE: "1700000000 +0000", GIT_COMMITTER_DATE: "1700000000 +0000" }).trim();
  runGit(dir, ["replace", replaced, decoy]);
  repo.commit("second", { "b.txt": "b\n" });
  return { dir, objects: { blobRef, treeRef, blobTag, utf16, nul, replaced, decoy, innerTag } };
}

/** A clone whose only copy of a key's blob was deleted from the object store. */
function buildMissingBlob(): { dir: string; missing: string } {
  const repo = makeRepo();
  repo.commit("init", { "README.md": "hello\n" });
  repo.commit("leak", { "pay.js": `stripe("${fakeKey()}")\n` });
  const missing = runGit(repo.dir, ["rev-parse", "HEAD:pay.js"]).trim();
  rmSync(join(repo.dir, ".git", "objects", missing.slice(0, 2), missing.slice(2)));
  return { dir: repo.dir, missing };
}

/** A blobless partial clone (`--filter=blob:none --no-checkout`): history without blobs. */
function buildPartial(): { dir: string; missing: string[] } {
  const src = makeRepo();
  src.commit("init", { "README.md": "hello\n" });
  src.commit("leak", { "pay.js": `stripe("${fakeKey()}")\n` });
  runGit(src.dir, ["config", "uploadpack.allowFilter", "true"]);
  const dir = join(tempDir("leakguard-partial-"), "clone");
  runGit(tempDir(), ["clone", "-q", "--filter=blob:none", "--no-checkout", `file://${src.dir}`, dir]);
  const missing = runGit(src.dir, ["rev-list", "--all", "--objects"])
    .split("\n")
    .map((l) => l.slice(0, 40))
    .filter((o) => o && runGit(src.dir, ["cat-file", "-t", o]).trim() === "blob");
  return { dir, missing: missing.sort() };
}

export const hostile = once(buildHostile);
export const missingBlob = once(buildMissingBlob);
export const partial = once(buildPartial);
