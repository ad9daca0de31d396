import type { AnnotatedTag, BlobFilter, BlobRead, BlobWindow, CommitMeta, GitEngine, ObjectType, Selection } from "../git/engine.js";
import { ARCHIVE_NAME } from "./views/archive-members.js";
import { createQueue } from "../util/create-queue.js";
import { KEY_MARKERS } from "../vocabulary/key-prefixes.js";

// The one enumeration of what a scan must read (issue 8, "objects, not commits"): every
// blob reachable from the selection, whatever points at it. Blobs reached from commits
// (each introduction kept), from trees and blobs that a ref or the end of a tag chain
// holds directly (`git push origin <blob>:refs/tags/x`), and, in a pre-receive hook,
// every blob in the quarantine; commit messages read from the raw commit objects (a
// commit may say `encoding UTF-16LE`, and `git log` re-encodes and stops at a NUL);
// every tag of every chain. What was named and never came back is unread, and makes the
// result incomplete: the caller reports it, it never passes for clean.

/** Where a blob was put: by a commit at a path, or by a ref holding a tree or the blob itself. */
export interface Introduction {
  /** null when no commit introduces it (a tree or blob held directly by a ref or tag). */
  commit: CommitMeta | null;
  path: string;
}

/** A path with a key marker in it (a key in a file name): called for every introduction, so no closure per call. */
function holdsKeyMarker(path: string): boolean {
  for (const m of KEY_MARKERS) if (path.includes(m)) return true;
  return false;
}

/**
 * Bytes of windows of oversized commit messages kept until the detectors see them (they
 * run once the walk is done): a bound on what a hostile commit can make the scan hold.
 */
export const MAX_WINDOWED_MESSAGE_BYTES = 64 * 1024 * 1024;

/** A message read from the raw bytes of its object. */
export interface MessageTarget {
  source: "commit-message" | "tag-message";
  path: string;
  commit: CommitMeta;
  /** The tag object (tag messages); null for commits. */
  object: string | null;
  bytes: Buffer;
  /** A window of a commit over the window size: lines count from the raw object's first line. */
  window?: BlobWindow["window"];
}

export interface ObjectIndex {
  commits: number;
  submodules: number;
  shallow: boolean;
  /** The oldest introduction of each blob. */
  firstSeen: ReadonlyMap<string, Introduction>;
  /**
   * Every distinct path a blob sits at, each with its oldest introduction (issue 10: a
   * copy is a separate exposure), oldest first; at most MAX_LOCATIONS per blob.
   */
  locationsOf(blob: string): Introduction[];
  /** Introductions at further paths of a blob already at MAX_LOCATIONS, not kept. */
  locationsOmitted(blob: string): number;
  /** Blob -> every dotenv path it sits at, each with its oldest introduction. */
  dotenvAt: ReadonlyMap<string, ReadonlyMap<string, Introduction>>;
  messages: MessageTarget[];
  /** Paths that may hold a key in their name (issue 8: a key in a file name is a leak), with their oldest introduction. */
  keyedPaths: ReadonlyMap<string, Introduction & { blob: string }>;
  /** Objects named by the selection that could not be read, by id. */
  unread: string[];
  /** Blobs at a path that says archive (`.jar`, `.apk`, `.tar.gz`, ...): a bulk prefilter cannot see into them. */
  archiveNamed: ReadonlySet<string>;
}

/**
 * Paths kept per blob: a blob vendored at a million paths (node_modules committed in every
 * service) must not flood the report or memory; the rest are counted.
 */
export const MAX_LOCATIONS = 100;

/** Pseudo-paths (a blob held by a ref, a pushed blob no ref reaches) give way to any real path. */
const isPseudo = (at: Introduction) => at.commit === null && at.path.startsWith("(");

/**
 * What the matching stage wants read, handed in by findings/: objects/ knows no detector,
 * so which blobs and messages are kept, and which paths count whatever a blob holds, are
 * the detectors' answers passed in here.
 */
export interface ReadInterest {
  /** Blobs handed on with their content; the rest pass as skipped. */
  blobs: BlobFilter;
  /** Which commit and tag messages are kept (full history also reads the raw commits through it); by default `blobs`. */
  messages?: BlobFilter;
  /**
   * Paths whose blobs matter whatever they hold (the dotenv rule): every path such a
   * blob sits at is kept (`dotenvAt`), so that the blob can be read again and judged there.
   */
  keepPath: (path: string) => boolean;
}

export interface WalkedObjects {
  /** Every blob read, once each, as the engine hands it on (content, skipped, window, unread). */
  blobs: AsyncIterable<BlobRead>;
  /** Resolves once `blobs` is drained: where each blob came from, and what was not read. */
  index(): Promise<ObjectIndex>;
  /**
   * Reads blobs again, whatever they hold, once their paths are known (a dotenv file the
   * key filter passed over, a big blob whose windows matched); in windows when big.
   */
  reread(oids: readonly string[]): AsyncIterable<BlobRead>;
}

/**
 * Walks the selection and reads its blobs at the same time: git inflates on one core
 * while the caller matches on the other. Full history reads every blob in pack order;
 * a range or push reads only what the walk (and the quarantine) names, as it is found.
 * `interest` says which blobs, messages and paths matter (see ReadInterest).
 */
export function walkObjects(engine: GitEngine, selection: Selection, interest: ReadInterest, onCommit?: (n: number) => void): WalkedObjects {
  const filter = interest.blobs;
  const messageFilter = interest.messages ?? filter;
  const keepPath = interest.keepPath;
  const firstSeen = new Map<string, Introduction>();
  const dotenvAt = new Map<string, Map<string, Introduction>>();
  const messages: MessageTarget[] = [];
  const commitMeta = new Map<string, CommitMeta>(); // raw commit objects wanted for their message
  const read = new Set<string>();
  const unread = new Set<string>();
  const state = { commits: 0, submodules: 0, shallow: false };

  const keyedPaths = new Map<string, Introduction & { blob: string }>();
  // Only blobs seen at a second path get a map: most blobs have one.
  const more = new Map<string, Map<string, Introduction>>();
  const omitted = new Map<string, number>();
  const archiveNamed = new Set<string>();
  const introduce = (blob: string, at: Introduction) => {
    if (ARCHIVE_NAME.test(at.path)) archiveNamed.add(blob);
    const first = firstSeen.get(blob);
    if (first && first.path !== at.path && !isPseudo(at)) {
      let paths = more.get(blob);
      if (!paths) {
        paths = new Map(isPseudo(first) ? [] : [[first.path, first]]);
        more.set(blob, paths);
      }
      if (!paths.has(at.path) && paths.size >= MAX_LOCATIONS) {
        // Full: the oldest introduction is always kept, so the path it displaces is counted.
        paths.delete(first.path);
        omitted.set(blob, (omitted.get(blob) ?? 0) + 1);
      }
      paths.set(at.path, at);
    } else if (first && first.path === at.path) more.get(blob)?.set(at.path, at);
    // Newer first: the last introduction seen is the oldest.
    firstSeen.set(blob, at);
    if (holdsKeyMarker(at.path)) keyedPaths.set(at.path, { ...at, blob });
    if (!keepPath(at.path)) return;
    const paths = dotenvAt.get(blob) ?? new Map<string, Introduction>();
    paths.set(at.path, at);
    dotenvAt.set(blob, paths);
  };

  const wanted = selection.all ? null : createQueue<string>();
  const commitQueue = selection.all ? createQueue<string>() : wanted!;
  const ask = (blob: string) => {
    if (!firstSeen.has(blob)) wanted?.push(blob);
  };

  const roots: Root[] = [];
  const walking = (async () => {
    // Full history walks every ref at once; started before anything else is awaited, so
    // that an engine can feed the blobs it finds to readBlobs("all") (isomorphic).
    const early = selection.all ? engine.walk(selection)[Symbol.asyncIterator]() : null;
    const first = early?.next();
    first?.catch(() => {});
    // The quarantine is listed while the start points are worked out.
    const fresh = selection.all ? Promise.resolve(null) : engine.newBlobs();
    fresh.catch(() => {});
    try {
      state.shallow = await engine.isShallow();
      const points = await startPoints(engine, selection);
      const { walkSel, tags } = points;
      roots.push(...points.roots);
      for (const oid of points.missing) unread.add(oid);
      for (const tag of tags) {
        const path = `(tag ${tag.name} message)`;
        if (messageFilter.test(tag.message)) {
          messages.push({ source: "tag-message", path, commit: { oid: tag.target, author: tag.tagger, date: tag.date }, object: tag.oid, bytes: tag.message });
        }
      }
      for (const root of roots) {
        if (root.type === "blob") {
          ask(root.oid);
          if (!firstSeen.has(root.oid)) introduce(root.oid, { commit: null, path: `(blob held by ${root.via})` });
          continue;
        }
        const { changes, gitlinks } = await engine.listTree(root.oid);
        state.submodules += gitlinks;
        for (const ch of changes) {
          ask(ch.blob);
          if (!firstSeen.has(ch.blob) || !firstSeen.get(ch.blob)!.commit) introduce(ch.blob, { commit: null, path: ch.path });
        }
      }
      // A push's new blobs, reachable or not: none of them goes unread. Those no ref of
      // the push reaches keep this name; the walk below renames the rest.
      for (const blob of (await fresh) ?? []) {
        ask(blob);
        if (!firstSeen.has(blob)) introduce(blob, { commit: null, path: `(pushed blob ${blob}, reached by no ref)` });
      }
      if (!walkSel) return;
      const commits = early ? resume(early, first!) : engine.walk(walkSel);
      for await (const c of commits) {
        state.commits++;
        state.submodules += c.gitlinks;
        commitMeta.set(c.commit.oid, c.commit);
        commitQueue.push(c.commit.oid);
        for (const ch of c.changes) {
          ask(ch.blob);
          introduce(ch.blob, { commit: c.commit, path: ch.path });
        }
        onCommit?.(state.commits);
      }
    } finally {
      wanted?.close();
      if (commitQueue !== wanted) commitQueue.close();
    }
  })();
  walking.catch(() => {});

  const takeMessage = (oid: string, raw: Buffer) => {
    const split = raw.indexOf("\n\n");
    const bytes = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 2);
    if (messageFilter.test(bytes)) messages.push({ source: "commit-message", path: "(commit message)", commit: commitMeta.get(oid)!, object: null, bytes: Buffer.from(bytes) });
  };
  // A raw commit read whole gives its message; one over the window size comes as the
  // windows that may hold a key, then as skipped. Those windows are kept for the
  // detectors up to a budget; past it the commit is unread (incomplete), never clean.
  let windowedBytes = 0;
  const overBudget = new Set<string>();
  const takeCommit = (r: BlobRead) => {
    if ("window" in r) {
      if (windowedBytes + r.bytes.length > MAX_WINDOWED_MESSAGE_BYTES) overBudget.add(r.oid);
      else {
        windowedBytes += r.bytes.length;
        messages.push({ source: "commit-message", path: "(commit message)", commit: commitMeta.get(r.oid)!, object: null, bytes: Buffer.from(r.bytes), window: r.window });
      }
      return;
    }
    if ("unread" in r || overBudget.has(r.oid)) {
      unread.add(r.oid);
      return;
    }
    read.add(r.oid);
    if (r.bytes) takeMessage(r.oid, r.bytes);
  };

  const blobs = (async function* (): AsyncGenerator<BlobRead> {
    // Full history reads the raw commits beside the blobs, in a loop of their own: they
    // are wanted for their messages only and never reach the caller (each hop through a
    // merged stream costs every one of ~100k objects a few promises). A range reads
    // commits and blobs in one stream, as the walk names them.
    const commitReader = selection.all ? engine.readBlobs(commitQueue, messageFilter)[Symbol.asyncIterator]() : null;
    const commitsRead = commitReader
      ? (async () => {
          for (let r = await commitReader.next(); !r.done; r = await commitReader.next()) takeCommit(r.value);
        })()
      : null;
    commitsRead?.catch(() => {});
    try {
      for await (const r of engine.readBlobs(selection.all ? "all" : wanted!, filter)) {
        if (commitMeta.has(r.oid)) {
          takeCommit(r);
          continue;
        } else if ("unread" in r) unread.add(r.oid);
        else if (!("window" in r)) read.add(r.oid);
        yield r;
      }
      await commitsRead;
    } finally {
      await commitReader?.return?.();
    }
    await walking;
    // A tree or blob held by a ref is not always in a full read's stream (an engine that
    // reads what its walk finds never sees it): ask for what is still unread.
    const late = [...new Set(roots.flatMap((r) => (r.type === "blob" ? [r.oid] : [])).concat([...firstSeen].filter(([, at]) => !at.commit).map(([b]) => b)))].filter((b) => !read.has(b) && !unread.has(b));
    if (late.length) {
      for await (const r of engine.readBlobs(late, filter)) {
        if ("unread" in r) unread.add(r.oid);
        else if (!("window" in r)) read.add(r.oid);
        yield r;
      }
    }
  })();

  return {
    blobs,
    async index() {
      await walking;
      // A blob the walk named that no read handed back (a blobless partial clone lists
      // only the blobs it has) is unread, like one the reader said is missing.
      for (const blob of firstSeen.keys()) if (!read.has(blob)) unread.add(blob);
      for (const c of commitMeta.keys()) if (!read.has(c)) unread.add(c);
      const locationsOf = (blob: string): Introduction[] => {
        const first = firstSeen.get(blob);
        if (!first) return [];
        const paths = more.get(blob);
        if (!paths || paths.size === 0) return [first];
        // The oldest introduction first, the rest by path: a stable order for reports.
        const rest = [...paths.values()].filter((i) => i.path !== first.path).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        return [first, ...rest];
      };
      const locationsOmitted = (blob: string) => omitted.get(blob) ?? 0;
      return { ...state, firstSeen, locationsOf, locationsOmitted, dotenvAt, messages, keyedPaths, archiveNamed, unread: [...unread].sort() };
    },
    reread(oids) {
      if (oids.length === 0) return (async function* () {})();
      return engine.readBlobs(oids, { test: () => true, overlap: 0, ...(filter.window ? { window: filter.window } : {}) });
    },
  };
}

interface Root {
  oid: string;
  type: "tree" | "blob";
  via: string;
}

/** What to walk as commits, every tag of every chain, and the trees and blobs held directly. */
async function startPoints(engine: GitEngine, sel: Selection): Promise<{ walkSel: Selection | null; tags: AnnotatedTag[]; roots: Root[]; missing: string[] }> {
  const tags: AnnotatedTag[] = [];
  for await (const t of engine.tags(sel)) tags.push(t);
  const byOid = new Map(tags.map((t) => [t.oid, t] as const));
  const roots: Root[] = [];
  // The end of each chain: a tag of a tree or a blob exposes it as a ref would.
  for (const t of tags) if (t.targetType === "tree" || t.targetType === "blob") roots.push({ oid: t.target, type: t.targetType, via: `tag ${t.name}` });
  if (sel.all) {
    for await (const r of engine.refs()) if (r.type === "tree" || r.type === "blob") roots.push({ oid: r.oid, type: r.type, via: r.name });
    return { walkSel: sel, tags, roots, missing: [] };
  }
  const include = sel.include ?? [];
  const types = await engine.types(include);
  const commits: string[] = [];
  const missing: string[] = [];
  for (const oid of include) {
    let type: ObjectType | "missing" = types.get(oid) ?? "missing";
    let at = oid;
    for (let t = byOid.get(at); type === "tag" && t; t = byOid.get(at)) [at, type] = [t.target, t.targetType];
    if (type === "missing") missing.push(oid);
    // A tag still unresolved here was named, not given by id: the walk peels it.
    else if (type === "commit" || type === "tag") commits.push(oid);
    else if ((type === "tree" || type === "blob") && at === oid) roots.push({ oid, type, via: `pushed ${type} ${oid}` });
  }
  return { walkSel: commits.length ? { ...sel, include: [...new Set(commits)] } : null, tags, roots, missing };
}

/** Continues an iterator whose first step was already asked for. */
async function* resume<T>(it: AsyncIterator<T>, first: Promise<IteratorResult<T>>): AsyncGenerator<T> {
  try {
    for (let r = await first; !r.done; r = await it.next()) yield r.value;
  } finally {
    await it.return?.();
  }
}
