import type { AnnotatedTag, BlobFilter, BlobIds, BlobRead, CommitChanges, GitEngine, ObjectType, Selection } from "../git/engine.js";
import type { Finding, ScanResult } from "../findings/finding.js";
import { createNativeEngine } from "../git/native/engine.js";
import { scanHistory } from "../findings/scan-history.js";
import { MAX_LOCATIONS } from "../objects/walk-objects.js";
import { git } from "../git/run-git.js";
import { parseTag } from "../git/parse-tag.js";
import { chooseSelection } from "../objects/choose-selection.js";

// One scan for the pushes of a batch (worker.ts): the CPU of a small push went mostly to
// starting git (a fork of the whole app process for each of the five or so git processes
// a scan runs), not to reading or matching. Here the batch's pushes cost one `git log`,
// one blob read and one `git rev-list --parents` between them; then each push is scanned
// on its own by the same history scan, over an engine that answers from what the shared
// pass read, restricted to the commits of that push's own range. So each push's findings
// come out of the same code, over the same commits, as its own scan would give them.
// Wherever that cannot be shown to hold, the push gets no result here, and the caller
// scans it on its own: a range reaching below the shared pass's boundary, objects that
// could not be read, a blob at too many paths, a finding whose oldest introduction
// depends on the order of unrelated commits, a tag of a tree or blob, a quarantine.

/** What the caller knows of a push before it is resolved in the mirror. */
export interface BatchPush {
  id: string;
  /** The pushed object (a commit or a tag); the payload checked it is hex. */
  after: string;
  before: string | null;
  refName: string | null;
  /** Refs deleted by the deliveries just before this one: their jobs forget those tips first. */
  forget?: readonly string[];
}

/** A push as its own job would have resolved it (scan-repository.ts), and its scan. */
export interface BatchEntry {
  id: string;
  head: string;
  /** `before` when the mirror has it as a commit, else null. */
  before: string | null;
  /** The tag chain, outermost first, then the commit: what the selection includes. */
  pushed: string[];
  selection: Selection;
  /** null: scan this push on its own. */
  result: ScanResult | null;
  why?: string;
}

/** The recorded bytes of the shared pass are bounded: past this the batch is scanned push by push. */
const MAX_RECORDED_BYTES = 64 * 1024 * 1024;

/** `tips`: the scanned tips (scanned-tips.ts) as the batch's first push's job reads them. */
export async function scanBatch(dir: string, env: NodeJS.ProcessEnv, pushes: readonly BatchPush[], tips: ReadonlyArray<readonly [string, string]>, signal: AbortSignal): Promise<BatchEntry[]> {
  const opts = { cwd: dir, env, signal };
  const entries = await resolvePushes(opts, pushes, new Map(tips));
  if (entries.length < 2) return entries;

  const include = [...new Set(entries.flatMap((e) => e.selection.include ?? []))];
  const inc = new Set(include);
  // An exclusion that is itself pushed in the batch would cut another push's range out.
  const exclude = [...new Set(entries.flatMap((e) => e.selection.exclude ?? []))].filter((x) => !inc.has(x));
  const union: Selection = { include, exclude };

  const native = createNativeEngine(dir, env, signal);
  const rec = recordingEngine(native);
  let shared: ScanResult;
  try {
    shared = await scanHistory({ engine: rec.engine, selection: union, signal });
  } finally {
    await native.close();
  }
  const whole = (why: string) => entries.map((e) => ({ ...e, why }));
  if (rec.tooBig) return whole("the batch read too many bytes to keep");
  if (shared.stats.incomplete || shared.unread?.length) return whole("the shared pass is incomplete");
  if (shared.stats.locationsOmitted) return whole("a blob sits at too many paths");
  if (rec.fresh !== null && rec.fresh.length) return whole("a quarantine");
  for (const t of rec.tags.values()) if (t.targetType === "tree" || t.targetType === "blob") return whole("a tag of a tree or blob");
  for (const oid of include) if (rec.types.get(oid) !== "commit" && rec.types.get(oid) !== "tag") return whole("a pushed object that is no commit");

  const graph = await readGraph(opts, union, rec.tags);
  // A push's scan keeps at most MAX_LOCATIONS paths per blob, and which it drops depends on order.
  const paths = new Map<string, Set<string>>();
  for (const c of rec.commits) for (const ch of c.changes) paths.set(ch.blob, (paths.get(ch.blob) ?? new Set()).add(ch.path));
  if ([...paths.values()].some((p) => p.size >= MAX_LOCATIONS)) return whole("a blob sits at too many paths");

  for (const e of entries) {
    const range = rangeOf(graph, e);
    if (!range) {
      e.why = "its range reaches below the shared pass";
      continue;
    }
    const commits = rec.commits.filter((c) => range.has(c.commit.oid));
    const own = await scanHistory({ engine: replayEngine(rec, e.selection, commits), selection: e.selection, signal }).catch(() => null);
    if (!own) {
      e.why = "its replay failed";
      continue;
    }
    if (!ordered(graph, commits, [...own.findings, ...(own.suppressed ?? [])])) {
      e.why = "a finding's oldest introduction depends on commit order";
      continue;
    }
    e.result = own;
  }
  return entries;
}

type Opts = { cwd: string; env: NodeJS.ProcessEnv; signal: AbortSignal };

/**
 * What scan-repository.ts works out for each push before its scan (the commit it peels
 * to, whether `before` is known, the tag chain, the selection), for all of them with
 * one `git cat-file --batch-check` (and one `--batch` per level of tag chains).
 * A push whose commit is gone is left out: its own job says so.
 * Each push's job excludes the tips recorded when it runs: those the batch started with,
 * as each earlier push of it will have recorded them (its ref -> its pushed object) and
 * as deletions forgot them. A job that does not record its tip (it failed, or was not
 * complete) leaves the later ones a record other than this: their selections then differ
 * from these, and they are scanned on their own.
 */
async function resolvePushes(opts: Opts, pushes: readonly BatchPush[], start: ReadonlyMap<string, string>): Promise<BatchEntry[]> {
  const tips = new Map(start);
  const lines = pushes.flatMap((p) => [p.after, `${p.after}^{commit}`, ...(p.before ? [`${p.before}^{commit}`] : [])]);
  const out = (await git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], { ...opts, input: lines.join("\n") + "\n" })).toString("latin1").split("\n");
  const answer = new Map<string, { oid: string; type: string } | null>();
  lines.forEach((l, i) => {
    const [oid, type] = (out[i] ?? "").split(" ");
    answer.set(l, type && type !== "missing" && oid ? { oid, type } : null);
  });
  const chains = await tagChains(opts, pushes.filter((p) => answer.get(p.after)?.type === "tag").map((p) => p.after));
  const entries: BatchEntry[] = [];
  for (const p of pushes) {
    for (const ref of p.forget ?? []) tips.delete(ref);
    const head = answer.get(`${p.after}^{commit}`);
    if (!head || head.type !== "commit") continue;
    const before = p.before && answer.get(`${p.before}^{commit}`)?.type === "commit" ? p.before : null;
    const pushed = [...(chains.get(p.after) ?? []), head.oid];
    const selection = chooseSelection({ firstSight: false, after: pushed, before, refs: tips, pushedRef: p.refName });
    entries.push({ id: p.id, head: head.oid, before, pushed, selection, result: null });
    if (p.refName) tips.set(p.refName, p.after);
  }
  return entries;
}

/** As scan-repository.ts's tagChain: each pushed tag's chain, outermost first, at most 16. */
async function tagChains(opts: Opts, tags: string[]): Promise<Map<string, string[]>> {
  const chains = new Map(tags.map((t) => [t, [] as string[]]));
  const next = new Map(tags.map((t) => [t, t]));
  while (next.size) {
    const ask = [...new Set(next.values())];
    const raw = await git(["cat-file", "--batch"], { ...opts, input: ask.join("\n") + "\n" });
    const objects = parseBatch(raw);
    for (const [tag, at] of [...next]) {
      const chain = chains.get(tag)!;
      const o = objects.get(at);
      const parsed: AnnotatedTag | null = o && o.type === "tag" ? parseTag(at, o.bytes) : null;
      if (!parsed || chain.length >= 16) {
        next.delete(tag);
        continue;
      }
      chain.push(at);
      if (chain.length >= 16) next.delete(tag);
      else next.set(tag, parsed.target);
    }
  }
  return chains;
}

function parseBatch(raw: Buffer): Map<string, { type: string; bytes: Buffer }> {
  const objects = new Map<string, { type: string; bytes: Buffer }>();
  for (let at = 0; at < raw.length; ) {
    const nl = raw.indexOf(10, at);
    if (nl === -1) break;
    const [oid, type, size] = raw.toString("latin1", at, nl).split(" ");
    if (type === "missing" || size === undefined) {
      at = nl + 1;
      continue;
    }
    const n = Number(size);
    objects.set(oid!, { type: type!, bytes: raw.subarray(nl + 1, nl + 1 + n) });
    at = nl + 1 + n + 1;
  }
  return objects;
}

interface Graph {
  /** Commits of the shared selection, with their parents. */
  parents: Map<string, string[]>;
  /** The tags the batch pushes, to what they point (an exclusion may be one: another ref's tag). */
  tags: ReadonlyMap<string, AnnotatedTag>;
}

async function readGraph(opts: Opts, sel: Selection, tags: ReadonlyMap<string, AnnotatedTag>): Promise<Graph> {
  const input = [...(sel.include ?? []), ...(sel.exclude ?? []).map((x) => `^${x}`)].join("\n") + "\n";
  const out = (await git(["rev-list", "--parents", "--stdin"], { ...opts, input })).toString("latin1");
  const parents = new Map<string, string[]>();
  for (const line of out.split("\n")) {
    if (!line) continue;
    const [oid, ...ps] = line.split(" ");
    parents.set(oid!, ps);
  }
  return { parents, tags };
}

/** What an exclusion stands for in the graph: a pushed tag (a chain) peeled to its commit. */
function peel(graph: Graph, oid: string): string {
  let at = oid;
  for (let i = 0, t = graph.tags.get(at); t && i < 64; i++, t = graph.tags.get(at)) at = t.target;
  return at;
}

/**
 * The commits of a push's own range (its include, minus all its exclusions reach), from the
 * shared selection's graph; null when the graph cannot tell: the range would continue below
 * the shared boundary through a commit not known to lie under the push's own exclusions.
 * Within the shared selection the exclusions' reach is complete: a path from an excluded
 * commit to a commit of the selection never leaves it.
 */
function rangeOf(graph: Graph, e: BatchEntry): Set<string> | null {
  const { parents } = graph;
  const excl = (e.selection.exclude ?? []).map((x) => peel(graph, x));
  const below = new Set<string>(excl);
  for (const stack = excl.filter((x) => parents.has(x)); stack.length; ) {
    for (const p of parents.get(stack.pop()!) ?? []) {
      if (below.has(p)) continue;
      below.add(p);
      if (parents.has(p)) stack.push(p);
    }
  }
  const range = new Set<string>();
  const start = e.head;
  if (below.has(start)) return range;
  if (!parents.has(start)) return null;
  for (const stack = [start]; stack.length; ) {
    const c = stack.pop()!;
    if (range.has(c)) continue;
    range.add(c);
    for (const p of parents.get(c)!) {
      if (below.has(p) || range.has(p)) continue;
      if (!parents.has(p)) return null;
      stack.push(p);
    }
  }
  return range;
}

/**
 * The shared pass lists a push's commits in its own date order; a push's own walk may list
 * commits that are not each other's ancestors in another order. That order only decides
 * which introduction counts as a blob's (or a path's) oldest: when a finding's blob and path
 * were introduced by more than one commit of the range, those commits must lie on one line.
 */
function ordered(graph: Graph, commits: readonly CommitChanges[], findings: readonly Finding[]): boolean {
  for (const f of findings) {
    if (f.source !== "file" && f.source !== "path") continue;
    const by = commits.filter((c) => c.changes.some((ch) => ch.path === f.path && (f.source === "path" || ch.blob === f.blob))).map((c) => c.commit.oid);
    for (let i = 0; i < by.length; i++) for (let j = i + 1; j < by.length; j++) if (!reaches(graph, by[i]!, by[j]!) && !reaches(graph, by[j]!, by[i]!)) return false;
  }
  return true;
}

function reaches(graph: Graph, from: string, to: string): boolean {
  const seen = new Set<string>();
  for (const stack = [from]; stack.length; ) {
    const c = stack.pop()!;
    if (c === to) return true;
    if (seen.has(c)) continue;
    seen.add(c);
    stack.push(...(graph.parents.get(c) ?? []));
  }
  return false;
}

interface Recording {
  engine: GitEngine;
  commits: CommitChanges[];
  /** Reads by filter (the key filter of the walk; the pass-everything one of re-reads), by object. */
  reads: Map<BlobFilter["test"] | "plain", Map<string, BlobRead[]>>;
  tags: Map<string, AnnotatedTag>;
  types: Map<string, ObjectType | "missing">;
  shallow: boolean | null;
  fresh: string[] | null;
  tooBig: boolean;
}

/** The key for a filter: the walk's own, or any pass-everything re-read (a new object each time). */
function filterKey(filter: BlobFilter | undefined): BlobFilter["test"] | "plain" {
  if (!filter) return "plain";
  return filter.overlap === 0 && filter.pcre === undefined && filter.test.length === 0 ? "plain" : filter.test;
}

/** The native engine, keeping what the shared pass read (copies: a reader may reuse its buffers). */
function recordingEngine(native: GitEngine): Recording {
  const rec: Recording = { engine: native, commits: [], reads: new Map(), tags: new Map(), types: new Map(), shallow: null, fresh: null, tooBig: false };
  let bytes = 0;
  const keep = (key: BlobFilter["test"] | "plain", r: BlobRead) => {
    if (rec.tooBig) return;
    let byOid = rec.reads.get(key);
    if (!byOid) rec.reads.set(key, (byOid = new Map()));
    const copy = r.bytes === null ? r : { ...r, bytes: Buffer.from(r.bytes) };
    bytes += r.bytes?.length ?? 0;
    if (bytes > MAX_RECORDED_BYTES) rec.tooBig = true;
    const list = byOid.get(r.oid) ?? [];
    list.push(copy as BlobRead);
    byOid.set(r.oid, list);
  };
  async function* readBlobs(oids: BlobIds, filter?: BlobFilter): AsyncGenerator<BlobRead> {
    const key = filterKey(filter);
    for await (const r of filter ? native.readBlobs(oids, filter) : native.readBlobs(oids)) {
      keep(key, r);
      yield r;
    }
  }
  rec.engine = {
    ...native,
    async *walk(sel) {
      for await (const c of native.walk(sel)) {
        rec.commits.push(c);
        yield c;
      }
    },
    async *tags(sel) {
      for await (const t of native.tags(sel)) {
        rec.tags.set(t.oid, t);
        yield t;
      }
    },
    async types(oids) {
      const t = await native.types(oids);
      for (const [k, v] of t) rec.types.set(k, v);
      return t;
    },
    async isShallow() {
      return (rec.shallow = await native.isShallow());
    },
    async newBlobs() {
      return (rec.fresh = await native.newBlobs());
    },
    readBlobs: readBlobs as GitEngine["readBlobs"],
  };
  return rec;
}

/** A push's own view of the shared pass: its range's commits, its tags, the reads it will ask for. */
function replayEngine(rec: Recording, sel: Selection, commits: readonly CommitChanges[]): GitEngine {
  const fail = (what: string) => {
    throw new Error(`batch replay: ${what} was not recorded`);
  };
  const named = new Set(sel.include ?? []);
  async function* readBlobs(oids: BlobIds, filter?: BlobFilter): AsyncGenerator<BlobRead> {
    const byOid = rec.reads.get(filterKey(filter));
    if (oids === "all" || !byOid) return fail("a read");
    for await (const oid of oids) {
      const got = byOid.get(oid);
      if (!got) return fail(`object ${oid}`);
      yield* got;
    }
  }
  return {
    name: "native",
    open: async () => {},
    close: async () => {},
    resolve: async () => fail("resolve"),
    async *walk() {
      yield* commits;
    },
    async *tags() {
      // Every tag of each chain the push names, as the native engine follows them.
      const seen = new Set<string>();
      const next = [...named].filter((o) => rec.tags.has(o));
      while (next.length) {
        const t = rec.tags.get(next.pop()!);
        if (!t || seen.has(t.oid)) continue;
        seen.add(t.oid);
        yield t;
        if (t.targetType === "tag") next.push(t.target);
      }
    },
    refs: () => fail("refs"),
    async types(oids) {
      return new Map(oids.map((o) => [o, rec.types.get(o) ?? fail(`the type of ${o}`)]));
    },
    listTree: async () => fail("a tree listing"),
    newBlobs: async () => rec.fresh,
    readBlobs: readBlobs as GitEngine["readBlobs"],
    isShallow: async () => rec.shallow ?? fail("shallowness"),
  };
}
