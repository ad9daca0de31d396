import { existsSync, statSync } from "node:fs";
import type { AnnotatedTag, BlobContent, BlobFilter, BlobIds, CommitChanges, GitEngine, Selection, SkippedBlob } from "../engine.js";
import { UsageError } from "../../errors.js";
import { git, gitText, spawnGit } from "../run-git.js";
import type { BatchObject } from "./cat-file.js";
import { createBatchParser } from "./cat-file.js";
import { createLogParser, LOG_FORMAT } from "./log-parser.js";
import { parseProcess, writeLines } from "./stream.js";
import { parseTag } from "../parse-tag.js";

// The default engine: the `git` binary in long-lived batch processes. One `git log --raw`
// pass says which commit put which blob where; `cat-file --batch` inflates each blob once.

// User configuration must not change the machine-read output.
const SAFE_CONFIG = ["-c", "log.showRoot=true", "-c", "log.showSignature=false", "-c", "color.ui=false", "-c", "core.quotePath=false"];

export function selectionArgs(sel: Selection): string[] {
  if (sel.all) return ["--all"];
  const args = [...(sel.include ?? []), ...(sel.exclude ?? []).map((r) => `^${r}`)];
  if (sel.excludeAllRefs) args.push("--not", "--all");
  return args;
}

export function createNativeEngine(dir: string, env: NodeJS.ProcessEnv = process.env): GitEngine {
  const opts = { cwd: dir, env };

  function readBlobs(oids: BlobIds): AsyncIterable<BlobContent>;
  function readBlobs(oids: BlobIds, filter: BlobFilter): AsyncIterable<BlobContent | SkippedBlob>;
  function readBlobs(oids: BlobIds, filter?: BlobFilter): AsyncIterable<BlobContent | SkippedBlob> {
    return streamBlobs(oids, filter);
  }
  async function* streamBlobs(oids: BlobIds, filter?: BlobFilter): AsyncGenerator<BlobContent | SkippedBlob> {
    // --buffer: git flushes its output when the buffer fills, not after every object.
    const proc = spawnGit(["cat-file", "--batch", "--buffer"], opts);
    let feed: Promise<void>;
    if (oids === "all") {
      // Listing first (cheap: no inflation) lets trees and commits stay packed; pack order
      // keeps delta bases hot in git's cache.
      const list = spawnGit(["cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname)"], opts);
      list.stdin.end();
      feed = writeLines(proc.stdin, blobIds(list));
    } else {
      feed = writeLines(proc.stdin, oids);
    }
    const missing: string[] = [];
    const toBlob = (o: BatchObject): BlobContent | SkippedBlob => (o.bytes ? { oid: o.oid, bytes: o.bytes } : { oid: o.oid, bytes: null, size: o.size });
    yield* parseProcess<BlobContent | SkippedBlob>(proc, (emit) => createBatchParser((o) => emit(toBlob(o)), (oid) => missing.push(oid), filter));
    await feed;
    if (missing.length) throw new UsageError(`object ${missing[0]} is missing: the repository is corrupt or incomplete`);
  }

  return {
    name: "native",

    async open() {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`no such directory: ${dir}`);
      await git(["rev-parse", "--git-dir"], opts).catch(() => {
        throw new UsageError(`not a git repository: ${dir}`);
      });
    },

    async resolve(rev) {
      if (rev.startsWith("-")) throw new UsageError(`not a revision: ${rev}`);
      const out = await gitText(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], opts).catch(() => "");
      if (!out.trim()) throw new UsageError(`unknown revision: ${rev}`);
      return out.trim();
    },

    async *walk(sel) {
      const proc = spawnGit(
        [...SAFE_CONFIG, "log", ...selectionArgs(sel), "-z", "--raw", "--no-abbrev", "--no-renames", "--no-color",
          "--diff-merges=first-parent", LOG_FORMAT, "--"],
        opts,
      );
      proc.stdin.end();
      yield* parseProcess<CommitChanges>(proc, (emit) => createLogParser(emit));
    },

    async *tags(sel) {
      const out = await gitText(["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)", "refs/tags"], opts);
      let oids = out
        .split("\n")
        .filter((l) => l.split(" ")[1] === "tag")
        .map((l) => l.split(" ")[0]!);
      if (!sel.all) {
        // Only tag objects the selection names (a pushed tag arrives as its tag object id).
        const named = new Set(sel.include ?? []);
        const types = await Promise.all([...named].map(async (r) => [r, (await gitText(["cat-file", "-t", r], opts).catch(() => "")).trim()] as const));
        oids = types.filter(([, t]) => t === "tag").map(([r]) => r);
      }
      for await (const obj of this.readBlobs(oids)) {
        const tag: AnnotatedTag | null = parseTag(obj.oid, obj.bytes);
        if (tag) yield tag;
      }
    },

    readBlobs,

    async isShallow() {
      return (await gitText(["rev-parse", "--is-shallow-repository"], opts)).trim() === "true";
    },

    async close() {},
  };
}

async function* blobIds(list: ReturnType<typeof spawnGit>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of list.stdout as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString("latin1")).split("\n");
    rest = lines.pop()!;
    for (const l of lines) if (l.startsWith("blob ")) yield l.slice(5);
  }
  await list.done;
}
