import { existsSync, statSync } from "node:fs";
import type { AnnotatedTag, CommitChanges, GitEngine, ObjectType, Selection } from "../engine.js";
import { GitError, UsageError } from "../../errors.js";
import { firstLine, gitText, spawnGit } from "../run-git.js";
import { listTree } from "./list-tree.js";
import { listRefTargets } from "./list-ref-targets.js";
import { objectTypes } from "./object-types.js";
import { quarantineBlobs } from "./quarantine-blobs.js";
import { createLogParser, LOG_FORMAT } from "./log-parser.js";
import { parseProcess } from "./stream.js";
import type { Prefilter } from "./read-blobs.js";
import { createBlobReader } from "./read-blobs.js";
import type { ReaderState } from "./read-blobs.js";
import { parseTag } from "../parse-tag.js";

// The default engine: the `git` binary in long-lived batch processes. One `git log --raw`
// pass says which commit put which blob where; `cat-file --batch` inflates each blob once.

// User configuration must not change the machine-read output.
const SAFE_CONFIG = ["-c", "log.showRoot=true", "-c", "log.showSignature=false", "-c", "color.ui=false", "-c", "core.quotePath=false"];
// The walk inflates commits and trees only; git's default 96 MiB cache of delta bases
// filled up to 140 MB of RSS on the 1 GB benchmark, 16 MiB gives the same speed at 60 MB.
const WALK_MEMORY = ["-c", "core.deltaBaseCacheLimit=16m"];

export function selectionArgs(sel: Selection): string[] {
  if (sel.all) return ["--all"];
  const args = [...(sel.include ?? []), ...(sel.exclude ?? []).map((r) => `^${r}`)];
  if (sel.excludeAllRefs) args.push("--not", "--all");
  return args;
}

export interface NativeEngineOptions {
  /** How a full-history read picks the blobs worth reading (see read-blobs.ts). */
  prefilter?: Prefilter;
  /** Bytes of blobs in git grep's first tree (read-blobs.ts); smaller makes more trees (tests). */
  firstGrepTreeBytes?: number;
}

/** `signal` aborts every git process the engine starts (the hook's time budget). */
export function createNativeEngine(dir: string, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal, options: NativeEngineOptions = {}): GitEngine {
  const opts = { cwd: dir, env, ...(signal ? { signal } : {}) };

  const reader: ReaderState = { listing: null };
  const readBlobs = createBlobReader(opts, options.prefilter, reader, options.firstGrepTreeBytes);

  let shallow: boolean | undefined;
  // Object types never change: the tag reader and the object walk ask about the same ids,
  // and each question answered again would be one more process on a push's wait.
  const known = new Map<string, ObjectType | "missing">();
  const types = async (oids: readonly string[]) => {
    const ask = oids.filter((o) => !known.has(o));
    if (ask.length) for (const [o, t] of await objectTypes(ask, opts)) known.set(o, t);
    return new Map(oids.map((o) => [o, known.get(o) ?? "missing"] as const));
  };

  return {
    name: "native",

    async open() {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`no such directory: ${dir}`);
      // One process answers both questions: each spawn costs a pre-receive hook ~10 ms.
      // git's own refusal (not a repository, dubious ownership, a broken config) is the
      // reason given, on one line: a scan that cannot start must not look like a clean one.
      const out = await gitText(["rev-parse", "--git-dir", "--is-shallow-repository"], opts).catch((err: unknown) => {
        const reason = err instanceof GitError ? firstLine(err.stderr) : "";
        throw new UsageError(/not a git repository/i.test(reason) || !reason ? `not a git repository: ${dir}` : `git refused ${dir}: ${reason}`);
      });
      shallow = out.trim().endsWith("true");
    },

    async resolve(rev) {
      if (rev.startsWith("-")) throw new UsageError(`not a revision: ${rev}`);
      const out = await gitText(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], opts).catch(() => "");
      if (!out.trim()) throw new UsageError(`unknown revision: ${rev}`);
      return out.trim();
    },

    async *walk(sel) {
      if ("all" in sel && sel.all) {
        // The blob listing, then mktree and git grep, are the full scan's critical path, and
        // the walk's output is parsed on the same thread as the listing's: a walk started
        // beside the listing tripled its time (1.5 s against 0.5 s on the 1 GB benchmark).
        // So the walk starts once the listing is read (a turn later, readBlobs("all") has
        // begun it) and runs beside mktree and git grep instead.
        await new Promise((r) => setImmediate(r));
        await reader.listing?.catch(() => {});
      }
      const proc = spawnGit(
        // --date-order: never a parent before all of its children, even under clock skew;
        // the history scan relies on it to keep the oldest introduction of a blob.
        [...SAFE_CONFIG, ...WALK_MEMORY, "log", "--date-order", ...selectionArgs(sel), "-z", "--raw", "--no-abbrev", "--no-renames", "--no-color",
          "--diff-merges=first-parent", LOG_FORMAT, "--"],
        opts,
      );
      proc.stdin.end();
      yield* parseProcess<CommitChanges>(proc, (emit) => createLogParser(emit));
    },

    async *tags(sel) {
      let oids: string[];
      if (sel.all) {
        // Every ref that holds a tag object, whatever its namespace.
        oids = (await listRefTargets(opts)).filter((r) => r.type === "tag").map((r) => r.oid);
      } else {
        // Only tag objects the selection names (a pushed tag arrives as its tag object id).
        oids = [...(await types(sel.include ?? []))].filter(([, t]) => t === "tag").map(([o]) => o);
      }
      // A tag of a tag: follow each chain to its end, every tag once.
      const seen = new Set<string>();
      while (oids.length) {
        const next: string[] = [];
        const fresh = [...new Set(oids)].filter((o) => !seen.has(o));
        for (const o of fresh) seen.add(o);
        for await (const obj of this.readBlobs(fresh)) {
          const tag: AnnotatedTag | null = parseTag(obj.oid, obj.bytes);
          if (!tag) continue;
          yield tag;
          if (tag.targetType === "tag") next.push(tag.target);
        }
        oids = next;
      }
    },

    refs() {
      return (async function* () {
        yield* await listRefTargets(opts);
      })();
    },

    types,

    listTree: (tree) => listTree(tree, opts),

    newBlobs: () => quarantineBlobs(opts),

    readBlobs,

    async isShallow() {
      shallow ??= (await gitText(["rev-parse", "--is-shallow-repository"], opts)).trim() === "true";
      return shallow;
    },

    async close() {},
  };
}
