import * as nodeFs from "node:fs";
import { join } from "node:path";
import type { PromiseFsClient } from "isomorphic-git";
import type { BlobFilter, BlobIds, BlobRead, CommitChanges, GitEngine, ObjectType, Selection } from "../engine.js";
import { readRaw } from "./repo.js";
import { listRefs } from "./list-refs.js";
import type { Repo } from "./repo.js";
import { findGitDir, readText } from "./find-git-dir.js";
import { createScanFs } from "./scan-fs.js";
import type { BlobFeed } from "./blob-feed.js";
import { createBlobFeed } from "./blob-feed.js";
import { walkCommits } from "./walk-commits.js";
import { createTreeReader, diffTrees } from "./diff-trees.js";
import { readAllBlobs, readBlobs } from "./read-blobs.js";
import { listTags } from "./list-tags.js";
import { resolveCommit, resolveObject } from "./resolve-rev.js";

// The engine for machines without a git binary: isomorphic-git reads the objects (loose
// and packed) in-process; refs, trees, commits and the walk order are handled here so
// that the answers match the native engine's `git log --raw --diff-merges=first-parent`.
// Not supported: the pre-receive quarantine (GIT_OBJECT_DIRECTORY and alternates) and
// reftable repositories; the native engine covers those.

export function createIsomorphicEngine(dir: string, fs: PromiseFsClient = nodeFs): GitEngine {
  let opened: Promise<Repo> | null = null;
  const repo = () => (opened ??= openRepo(fs, dir));
  let feed: BlobFeed | null = null; // set while a full-history walk runs

  return {
    name: "isomorphic",

    async open() {
      await repo();
    },

    async resolve(rev) {
      return resolveCommit(await repo(), rev);
    },

    async *walk(sel) {
      // Set before the first await, so that a readBlobs("all") started next finds it.
      const mine = sel.all && !feed ? (feed = createBlobFeed()) : null;
      let complete = false;
      try {
        yield* walkChanges(await repo(), sel, mine);
        complete = true;
      } finally {
        mine?.end(complete);
        if (feed === mine) feed = null;
      }
    },

    async *tags(sel) {
      yield* listTags(await repo(), sel);
    },

    // isomorphic-git inflates whole objects: a filter's window is not honoured here, so
    // this engine's memory grows with the largest blob (the native engine streams).
    readBlobs: async function* (oids: BlobIds, filter?: BlobFilter): AsyncGenerator<BlobRead> {
      const r = await repo();
      const lenient = filter !== undefined;
      if (oids !== "all") return yield* readBlobs(r, oids, lenient);
      if (!feed) return yield* readAllBlobs(r, new Set(), lenient);
      // A full walk is running: read what it finds; finish alone if it stops early.
      const sub = feed.subscribe();
      yield* readBlobs(r, sub, lenient);
      if (!sub.complete()) yield* readAllBlobs(r, sub.seen, lenient);
    } as GitEngine["readBlobs"],

    async *refs() {
      const r = await repo();
      for (const ref of await listRefs(r)) {
        const obj = await readRaw(r, ref.oid);
        if (obj) yield { name: ref.name, oid: ref.oid, type: obj.type };
      }
    },

    async types(oids) {
      const r = await repo();
      const out = new Map<string, ObjectType | "missing">();
      for (const name of new Set(oids)) {
        const oid = /^[0-9a-f]{40}$/.test(name) ? name : await resolveObject(r, name);
        out.set(name, (oid && (await readRaw(r, oid))?.type) || "missing");
      }
      return out;
    },

    async listTree(tree) {
      // Against no tree at all, a diff lists every blob with its path: ls-tree -r.
      return diffTrees(createTreeReader(await repo()), null, tree);
    },

    // The pre-receive quarantine is the native engine's (see above).
    newBlobs: async () => null,

    async isShallow() {
      return (await repo()).shallow.size > 0;
    },

    async close() {},
  };
}

async function* walkChanges(r: Repo, sel: Selection, feed: BlobFeed | null): AsyncGenerator<CommitChanges> {
  const readTree = createTreeReader(r);
  for await (const node of walkCommits(r, sel)) {
    // Like --diff-merges=first-parent: a merge shows what it brings against its first
    // parent only; a root (or shallow boundary) commit shows its whole tree.
    const { changes, gitlinks } = await diffTrees(readTree, node.parentTree, node.commit.tree);
    if (feed) for (const ch of changes) feed.offer(ch.blob);
    yield {
      commit: { oid: node.oid, author: node.commit.author, date: node.commit.date },
      message: node.commit.message,
      changes,
      gitlinks,
    };
  }
}

async function openRepo(fs: PromiseFsClient, dir: string): Promise<Repo> {
  const { gitdir, headFile } = await findGitDir(fs, dir);
  const shallowText = (await readText(fs, join(gitdir, "shallow"))) ?? "";
  const shallow = new Set(shallowText.split("\n").filter((l) => /^[0-9a-f]{40}$/.test(l)));
  return { fs: await createScanFs(fs, gitdir), gitdir, headFile, cache: {}, shallow, readSinceTrim: 0 };
}
