import { existsSync, statSync } from "node:fs";
import type { AnnotatedTag, BlobContent, CommitChanges, GitEngine, Selection } from "../engine.js";
import { UsageError } from "../../errors.js";
import { git, gitText, spawnGit } from "../run-git.js";
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

/** `signal` aborts every git process the engine starts (the hook's time budget). */
export function createNativeEngine(dir: string, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): GitEngine {
  const opts = { cwd: dir, env, ...(signal ? { signal } : {}) };

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
        // --date-order: never a parent before all of its children, even under clock skew;
        // the history scan relies on it to keep the oldest introduction of a blob.
        [...SAFE_CONFIG, "log", "--date-order", ...selectionArgs(sel), "-z", "--raw", "--no-abbrev", "--no-renames", "--no-color",
          "--diff-merges=first-parent", LOG_FORMAT, "--"],
        opts,
      );
      proc.stdin.end();
      yield* parseProcess<CommitChanges>(proc, (emit) => createLogParser(emit));
    },

    async *tags(sel) {
      let oids: string[];
      if (sel.all) {
        const out = await gitText(["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)", "refs/tags"], opts);
        oids = out
          .split("\n")
          .filter((l) => l.split(" ")[1] === "tag")
          .map((l) => l.split(" ")[0]!);
      } else {
        // Only tag objects the selection names (a pushed tag arrives as its tag object id).
        // One batch-check for all of them: a mirror push may name thousands of tips.
        const named = [...new Set(sel.include ?? [])];
        const out = named.length ? await gitText(["cat-file", "--batch-check=%(objecttype) %(objectname)"], { ...opts, input: named.join("\n") + "\n" }) : "";
        oids = out
          .split("\n")
          .filter((l) => l.startsWith("tag "))
          .map((l) => l.slice(4));
      }
      for await (const obj of this.readBlobs(oids)) {
        const tag: AnnotatedTag | null = parseTag(obj.oid, obj.bytes);
        if (tag) yield tag;
      }
    },

    async *readBlobs(oids) {
      // Every spawn costs a pre-receive hook time; an empty list needs no process.
      if (Array.isArray(oids) && oids.length === 0) return;
      const proc = spawnGit(["cat-file", "--batch"], opts);
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
      yield* parseProcess<BlobContent>(proc, (emit) => createBatchParser((o) => emit(o), (oid) => missing.push(oid)));
      await feed;
      if (missing.length) throw new UsageError(`object ${missing[0]} is missing: the repository is corrupt or incomplete`);
    },

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
    for (const l of lines) {
      if (l.startsWith("blob ")) yield l.slice(5);
      // An object whose header cannot be read (corrupt) is listed as "<oid> missing": pass
      // it on, so that the read reports it instead of the scan skipping it in silence.
      else if (l.endsWith(" missing")) yield l.slice(0, l.indexOf(" "));
    }
  }
  await list.done;
}
