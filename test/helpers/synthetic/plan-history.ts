// The shape of the planned synthetic history (the bench presets), decided before any byte is
// generated: which commit touches which file, on which branch, and where the plants go.
// Sizes are estimated from the line pools so that the large files get just enough edits to
// reach the byte target. Every draw from the PRNG happens in a fixed order: the same seed
// gives the same plan.
import type { PoolKind } from "./content.js";
import type { Rng } from "./make-rng.js";
import type { Plant, PlantedFinding } from "./make-plants.js";

const AUTHORS = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Barbara Liskov", "Ken Thompson", "Frances Allen",
  "Edsger Dijkstra", "Margaret Hamilton", "Donald Knuth", "Radia Perlman", "John Backus", "Karen Jones"];
const VERBS = ["fix", "add", "refactor", "update", "remove", "document", "test", "speed up", "simplify", "rename"];
const WORDS = ["refund", "charge", "webhook", "retry", "invoice", "customer", "session", "cache", "logger", "router", "queue", "price"];
const SMALL: { kind: PoolKind; p: number; path: (rng: Rng, n: number) => string }[] = [
  { kind: "code", p: 0.7, path: (rng, n) => `src/${rng.pick(WORDS)}/${rng.pick(WORDS)}${n}.${rng.pick(["ts", "js", "py", "go"])}` },
  { kind: "test", p: 0.15, path: (rng, n) => `test/unit/${rng.pick(WORDS)}${n}.spec.ts` },
  { kind: "md", p: 0.1, path: (rng, n) => `docs/guide/${rng.pick(WORDS)}${n}.md` },
  { kind: "json", p: 0.05, path: (rng, n) => `lib/schemas/${rng.pick(WORDS)}${n}.json` },
];
const LARGE: { kind: PoolKind; path: string; size: number; scale?: number; weight: number; append?: number }[] = [
  { kind: "json", path: "openapi/spec3.json", size: 4e6, scale: 15, weight: 0.45 },
  { kind: "csv", path: "data/fixtures.csv", size: 2e6, scale: 10, weight: 0.25 },
  { kind: "bundle", path: "public/js/app.bundle.js", size: 1.5e6, scale: 3, weight: 0.15 },
  { kind: "md", path: "CHANGELOG.md", size: 2e4, append: 3000, weight: 0.15 },
];

export interface PlannedVersion {
  mark: number;
  /** Given for fixed files (plants); generated from the pools otherwise. */
  content?: string | Buffer;
}
export interface PlannedFile {
  kind: PoolKind | "fixed" | "binary";
  path: string;
  size: number;
  scale: number;
  append?: number;
  est: number;
  versions: PlannedVersion[];
}
export type PlannedOp = { type: "M"; path: string; mark: number } | { type: "D"; path: string } | { type: "R"; path: string; to: string };
export interface PlannedCommit {
  ref: string;
  mark: number;
  time: number;
  author: string;
  message: string;
  ops: PlannedOp[];
  from?: number;
  merge?: number;
  /** Lightweight when message is null. */
  tags?: { name: string; message: string | null }[];
}
export interface HistoryPlan {
  files: PlannedFile[];
  commits: PlannedCommit[];
  expected: (PlantedFinding & { commitMark: number })[];
  branches: number;
  tagCount: number;
  largestBlob: number;
}

interface Episode { ref: string; left: number; touched: Map<string, number>; tip: number }

export function planHistory(opts: { rng: Rng; nCommits: number; targetBytes: number; plants: Plant[]; lineLen: Record<PoolKind, number> }): HistoryPlan {
  const { rng, nCommits, targetBytes, plants, lineLen } = opts;
  let mark = 1;
  let bytes = 0;
  let largestBlob = 0;
  let time = 1_500_000_000;
  const files: PlannedFile[] = [];
  const commits: PlannedCommit[] = [];
  const expected: HistoryPlan["expected"] = [];
  const live: PlannedFile[] = [];
  const fixed = new Map<string, PlannedFile>();
  let serial = 0;

  const estStep = (f: PlannedFile): number => f.append ?? 1.3 * f.scale * (f.kind === "fixed" || f.kind === "binary" ? NaN : lineLen[f.kind]);
  const newFile = (f: Omit<PlannedFile, "versions" | "scale" | "est"> & { scale?: number }): PlannedFile => {
    const file: PlannedFile = { versions: [], scale: 1, ...f, est: f.size };
    files.push(file);
    return file;
  };
  const version = (f: PlannedFile, content?: string | Buffer): PlannedVersion => {
    if (f.versions.length) f.est += estStep(f);
    const size = content ? content.length : f.est;
    bytes += size;
    largestBlob = Math.max(largestBlob, size);
    const v: PlannedVersion = content === undefined ? { mark: mark++ } : { mark: mark++, content };
    f.versions.push(v);
    return v;
  };
  const commit = (ref: string, extra: Partial<Omit<PlannedCommit, "ref" | "mark" | "time" | "author">> = {}): PlannedCommit => {
    time += rng.int(60, 3600);
    const c: PlannedCommit = { ref, mark: mark++, time, author: rng.pick(AUTHORS), message: `${rng.pick(VERBS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`, ops: [], ...extra };
    commits.push(c);
    return c;
  };
  const addSmall = (c: PlannedCommit): PlannedFile => {
    const r = rng.next();
    let acc = 0;
    const spec = SMALL.find((s) => (acc += s.p) > r) ?? SMALL[0]!;
    const f = newFile({ kind: spec.kind, path: spec.path(rng, serial++), size: rng.size(6000, 300, 120000) });
    live.push(f);
    c.ops.push({ type: "M", path: f.path, mark: version(f).mark });
    return f;
  };
  const applyPlant = (c: PlannedCommit, p: Plant): void => {
    for (const [path, content] of p.files) {
      if (content === null) {
        fixed.delete(path);
        c.ops.push({ type: "D", path });
        continue;
      }
      const f = fixed.get(path) ?? newFile({ kind: "fixed", path, size: 0 });
      fixed.set(path, f);
      c.ops.push({ type: "M", path, mark: version(f, content).mark });
    }
    if (p.where === "message" && p.message !== undefined) c.message = p.message;
    if (p.where === "tag" && p.message !== undefined) c.tags = [{ name: "v0.99.0-hotfix", message: p.message }];
    for (const e of p.expect) expected.push({ ...e, path: e.path.replace("{tag}", "v0.99.0-hotfix"), commitMark: c.mark });
  };

  // Root commit: a first batch of small files and the large ones.
  const root = commit("refs/heads/main", { message: "initial import" });
  for (let i = 0; i < Math.min(400, nCommits / 40); i++) addSmall(root);
  const large = LARGE.map((l) => newFile({ ...l }));
  for (const f of large) root.ops.push({ type: "M", path: f.path, mark: version(f).mark });

  const pending = plants.map((p) => ({ ...p, index: Math.max(1, Math.round(p.at * (nCommits - 1))), done: false }));
  const due = (i: number, where: string) => pending.filter((p) => p.index <= i && (p.where ?? "main") === where && !p.done);
  const binaries = Math.round((0.03 * targetBytes) / 300_000);
  const tagEvery = Math.max(50, Math.floor(nCommits / 16));
  const mainline: PlannedCommit[] = []; // plain main commits: where large-file edits go
  let mainTip = root.mark;
  let episode: Episode | null = null;
  let tags = 0;
  let branches = 0;

  for (let i = 1; commits.length < nCommits; i++) {
    const featurePlant = due(i, "feature")[0];
    if (!episode && (featurePlant || (i > 50 && i < nCommits - 100 && rng.chance(1 / 700)))) {
      episode = { ref: `refs/heads/feature/${WORDS[branches % WORDS.length]}-${++branches}`, left: rng.int(3, 25), touched: new Map(), tip: mainTip };
    }
    const c: PlannedCommit = commit(episode ? episode.ref : "refs/heads/main", { from: episode ? episode.tip : mainTip });
    const touches = rng.next() < 0.55 ? 1 : rng.next() < 0.55 ? 2 : rng.next() < 0.6 ? 3 : rng.int(4, 8);
    for (let t = 0; t < touches; t++) {
      const r = rng.next();
      if (r < 0.08 || live.length < 10) addSmall(c);
      else if (!episode && r < 0.095) {
        const [f] = live.splice(rng.int(0, live.length - 1), 1);
        if (f) c.ops.push({ type: "D", path: f.path });
      } else if (!episode && r < 0.105) {
        const f = rng.pick(live);
        const to = f.path.replace(/(\.[a-z]+)$/, `-moved${serial++}$1`);
        c.ops.push({ type: "R", path: f.path, to });
        f.path = to;
      } else {
        const f = rng.pick(live);
        if (c.ops.some((o) => o.path === f.path || (o.type === "R" && o.to === f.path))) continue;
        c.ops.push({ type: "M", path: f.path, mark: version(f).mark });
      }
    }
    if (episode) {
      if (featurePlant) {
        applyPlant(c, featurePlant);
        featurePlant.done = true;
      }
      // Only additions and edits happen on a topic branch, so every op has a mark.
      for (const o of c.ops) if (o.type === "M") episode.touched.set(o.path, o.mark);
      episode.tip = c.mark;
      if (--episode.left === 0 || commits.length >= nCommits - 1) {
        const ops: PlannedOp[] = [...episode.touched].map(([path, m]) => ({ type: "M", path, mark: m }));
        const merge = commit("refs/heads/main", { from: mainTip, merge: episode.tip, ops, message: `Merge branch '${episode.ref.slice(11)}'` });
        mainTip = merge.mark;
        episode = null;
      }
      continue;
    }
    for (const p of [...due(i, "main"), ...due(i, "message"), ...due(i, "tag")]) {
      applyPlant(c, p);
      p.done = true;
    }
    if (i % 97 === 0 && rng.chance((binaries * 97) / nCommits)) {
      const f = newFile({ kind: "binary", path: `assets/img/${rng.pick(WORDS)}-${serial++}.png`, size: rng.size(250_000, 20_000, 2_000_000) });
      c.ops.push({ type: "M", path: f.path, mark: version(f).mark });
    }
    if (i % tagEvery === 0) {
      tags++;
      (c.tags ??= []).push({ name: `v1.${tags}.0`, message: tags % 2 ? `Release v1.${tags}.0\n` : null });
    }
    mainTip = c.mark;
    mainline.push(c);
  }

  // The never-merged branch, cut from main at 60% of history.
  const base = mainline[Math.floor(mainline.length * 0.6)]!.mark;
  const notes = newFile({ kind: "md", path: "scripts/NOTES.md", size: 2000 });
  commit("refs/heads/experiment", { from: base, ops: [{ type: "M", path: notes.path, mark: version(notes).mark }] });
  for (const p of pending.filter((p) => p.where === "experiment")) applyPlant(commit("refs/heads/experiment"), p);
  commit("refs/heads/experiment", { ops: [{ type: "M", path: notes.path, mark: version(notes).mark }] });

  // Large files get the edits that bring unique blob bytes up to the target, spread evenly.
  const sequence: PlannedFile[] = [];
  for (let est = large.map((f) => f.est), left = targetBytes * 1.02 - bytes; left > 0; ) {
    const r = rng.next();
    let acc = 0;
    const k = LARGE.findIndex((l) => (acc += l.weight) > r);
    const f = large[k === -1 ? 0 : k]!;
    const at = large.indexOf(f);
    est[at] = est[at]! + estStep(f);
    left -= est[at]!;
    sequence.push(f);
  }
  const slots = mainline.length;
  sequence.forEach((f, j) => {
    const c = mainline[Math.min(slots - 1, Math.floor(((j + 0.5) * slots) / sequence.length))]!;
    if (c.ops.some((o) => o.path === f.path)) return;
    c.ops.push({ type: "M", path: f.path, mark: version(f).mark });
  });
  return { files, commits, expected, branches: branches + 2, tagCount: tags + 1, largestBlob };
}
