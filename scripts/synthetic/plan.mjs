// The shape of the synthetic history, decided before any byte is generated: which commit
// touches which file, on which branch, and where the plants go. Sizes are estimated from
// the line pools so that the large files get just enough edits to reach the byte target.

const AUTHORS = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Barbara Liskov", "Ken Thompson", "Frances Allen",
  "Edsger Dijkstra", "Margaret Hamilton", "Donald Knuth", "Radia Perlman", "John Backus", "Karen Jones"];
const VERBS = ["fix", "add", "refactor", "update", "remove", "document", "test", "speed up", "simplify", "rename"];
const WORDS = ["refund", "charge", "webhook", "retry", "invoice", "customer", "session", "cache", "logger", "router", "queue", "price"];
const SMALL = [
  { kind: "code", p: 0.7, path: (rng, n) => `src/${rng.pick(WORDS)}/${rng.pick(WORDS)}${n}.${rng.pick(["ts", "js", "py", "go"])}` },
  { kind: "test", p: 0.15, path: (rng, n) => `test/unit/${rng.pick(WORDS)}${n}.spec.ts` },
  { kind: "md", p: 0.1, path: (rng, n) => `docs/guide/${rng.pick(WORDS)}${n}.md` },
  { kind: "json", p: 0.05, path: (rng, n) => `lib/schemas/${rng.pick(WORDS)}${n}.json` },
];
const LARGE = [
  { kind: "json", path: "openapi/spec3.json", size: 4e6, scale: 15, weight: 0.45 },
  { kind: "csv", path: "data/fixtures.csv", size: 2e6, scale: 10, weight: 0.25 },
  { kind: "bundle", path: "public/js/app.bundle.js", size: 1.5e6, scale: 3, weight: 0.15 },
  { kind: "md", path: "CHANGELOG.md", size: 2e4, append: 3000, weight: 0.15 },
];

export function planHistory({ rng, nCommits, targetBytes, plants, lineLen }) {
  let mark = 1;
  let bytes = 0;
  let largestBlob = 0;
  let time = 1_500_000_000;
  const files = [];
  const commits = [];
  const expected = [];
  const live = [];
  const fixed = new Map();
  let serial = 0;

  const newFile = (f) => (files.push({ versions: [], scale: 1, ...f, est: f.size }), files.at(-1));
  const version = (f, content) => {
    if (f.versions.length) f.est += f.append ?? 1.3 * f.scale * lineLen[f.kind];
    const size = content ? content.length : f.est;
    bytes += size;
    largestBlob = Math.max(largestBlob, size);
    const v = { mark: mark++, content };
    f.versions.push(v);
    return v;
  };
  const commit = (ref, extra = {}) => {
    time += rng.int(60, 3600);
    const c = { ref, mark: mark++, time, author: rng.pick(AUTHORS), message: `${rng.pick(VERBS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`, ops: [], ...extra };
    commits.push(c);
    return c;
  };
  const addSmall = (c) => {
    const r = rng.next();
    let acc = 0;
    const spec = SMALL.find((s) => (acc += s.p) > r) ?? SMALL[0];
    const f = newFile({ kind: spec.kind, path: spec.path(rng, serial++), size: rng.size(6000, 300, 120000) });
    live.push(f);
    c.ops.push({ type: "M", path: f.path, mark: version(f).mark });
    return f;
  };
  const applyPlant = (c, p) => {
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
    if (p.where === "message") c.message = p.message;
    if (p.where === "tag") c.tags = [{ name: "v0.99.0-hotfix", message: p.message }];
    for (const e of p.expect) expected.push({ ...e, path: e.path.replace("{tag}", "v0.99.0-hotfix"), commitMark: c.mark });
  };

  // Root commit: a first batch of small files and the large ones.
  const root = commit("refs/heads/main", { message: "initial import" });
  for (let i = 0; i < Math.min(400, nCommits / 40); i++) addSmall(root);
  const large = LARGE.map((l) => newFile({ ...l }));
  for (const f of large) root.ops.push({ type: "M", path: f.path, mark: version(f).mark });

  const pending = plants.map((p) => ({ ...p, index: Math.max(1, Math.round(p.at * (nCommits - 1))) }));
  const due = (i, where) => pending.filter((p) => p.index <= i && (p.where ?? "main") === where && !p.done);
  const binaries = Math.round((0.03 * targetBytes) / 300_000);
  const tagEvery = Math.max(50, Math.floor(nCommits / 16));
  const mainline = []; // indexes of plain main commits: where large-file edits go
  let mainTip = root.mark;
  let episode = null;
  let tags = 0;
  let branches = 0;

  for (let i = 1; commits.length < nCommits; i++) {
    const featurePlant = due(i, "feature")[0];
    if (!episode && (featurePlant || (i > 50 && i < nCommits - 100 && rng.chance(1 / 700)))) {
      episode = { ref: `refs/heads/feature/${WORDS[branches % WORDS.length]}-${++branches}`, left: rng.int(3, 25), touched: new Map(), tip: mainTip };
    }
    const c = commit(episode ? episode.ref : "refs/heads/main", { from: episode ? episode.tip : mainTip });
    const touches = rng.next() < 0.55 ? 1 : rng.next() < 0.55 ? 2 : rng.next() < 0.6 ? 3 : rng.int(4, 8);
    for (let t = 0; t < touches; t++) {
      const r = rng.next();
      if (r < 0.08 || live.length < 10) addSmall(c);
      else if (!episode && r < 0.095) {
        const [f] = live.splice(rng.int(0, live.length - 1), 1);
        c.ops.push({ type: "D", path: f.path });
      } else if (!episode && r < 0.105) {
        const f = rng.pick(live);
        const to = f.path.replace(/(\.[a-z]+)$/, `-moved${serial++}$1`);
        c.ops.push({ type: "R", path: f.path, to });
        f.path = to;
      } else {
        const f = rng.pick(live);
        if (c.ops.some((o) => o.path === f.path || o.to === f.path)) continue;
        c.ops.push({ type: "M", path: f.path, mark: version(f).mark });
      }
    }
    if (episode) {
      if (featurePlant) { applyPlant(c, featurePlant); featurePlant.done = true; }
      for (const o of c.ops) episode.touched.set(o.path, o.mark);
      episode.tip = c.mark;
      if (--episode.left === 0 || commits.length >= nCommits - 1) {
        const ops = [...episode.touched].map(([path, m]) => ({ type: "M", path, mark: m }));
        const merge = commit("refs/heads/main", { from: mainTip, merge: episode.tip, ops, message: `Merge branch '${episode.ref.slice(11)}'` });
        mainTip = merge.mark;
        episode = null;
      }
      continue;
    }
    for (const p of [...due(i, "main"), ...due(i, "message"), ...due(i, "tag")]) { applyPlant(c, p); p.done = true; }
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
  const base = mainline[Math.floor(mainline.length * 0.6)].mark;
  const notes = newFile({ kind: "md", path: "scripts/NOTES.md", size: 2000 });
  commit("refs/heads/experiment", { from: base, ops: [{ type: "M", path: notes.path, mark: version(notes).mark }] });
  for (const p of pending.filter((p) => p.where === "experiment")) applyPlant(commit("refs/heads/experiment"), p);
  commit("refs/heads/experiment", { ops: [{ type: "M", path: notes.path, mark: version(notes).mark }] });

  // Large files get the edits that bring unique blob bytes up to the target, spread evenly.
  const sequence = [];
  for (let est = large.map((f) => f.est), left = targetBytes * 1.02 - bytes; left > 0; ) {
    const r = rng.next();
    let acc = 0;
    const k = LARGE.findIndex((l) => (acc += l.weight) > r);
    const f = large[k === -1 ? 0 : k];
    est[large.indexOf(f)] += f.append ?? 1.3 * f.scale * lineLen[f.kind];
    left -= est[large.indexOf(f)];
    sequence.push(f);
  }
  const slots = mainline.length;
  sequence.forEach((f, j) => {
    const c = mainline[Math.min(slots - 1, Math.floor(((j + 0.5) * slots) / sequence.length))];
    if (c.ops.some((o) => o.path === f.path)) return;
    c.ops.push({ type: "M", path: f.path, mark: version(f).mark });
  });
  return { files, commits, expected, branches: branches + 2, tagCount: tags + 1, largestBlob };
}
