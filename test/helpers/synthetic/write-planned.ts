// The planned history (bench, views, small): many small source files edited a few lines at
// a time, a few large files (an OpenAPI spec, a CSV, a minified bundle, a changelog) edited
// often enough to reach the byte target, binary assets, merged topic branches, an unmerged
// branch, tags, and 18 planted findings. Blobs are emitted file by file so that fast-import
// deltifies each version against the previous one, as a repacked real repository would be.
import { binaryBytes, editLines, makePools, newLines } from "./content.js";
import type { PoolKind } from "./content.js";
import { makePlants } from "./make-plants.js";
import type { Rng } from "./make-rng.js";
import type { FastImport } from "./open-fast-import.js";
import { planHistory } from "./plan-history.js";
import type { HistoryPlan } from "./plan-history.js";

export async function writePlanned(fi: FastImport, rng: Rng, nCommits: number, targetBytes: number): Promise<HistoryPlan> {
  const pools = makePools(rng);
  const plants = makePlants(rng, pools, binaryBytes);
  const lineLen = Object.fromEntries(Object.entries(pools).map(([k, p]) => [k, p.reduce((n, l) => n + l.length + 1, 0) / p.length])) as Record<PoolKind, number>;
  const plan = planHistory({ rng, nCommits, targetBytes, plants, lineLen });

  // Blobs, one file's versions after another.
  for (const f of plan.files) {
    if (f.kind === "fixed") {
      for (const v of f.versions) await fi.blob(v.mark, v.content ?? "");
      continue;
    }
    if (f.kind === "binary") {
      const v = f.versions[0]; // an asset is written once, never edited
      if (v) await fi.blob(v.mark, binaryBytes(rng, f.size));
      continue;
    }
    const pool = pools[f.kind];
    let lines: string[] | null = null;
    for (const v of f.versions) {
      if (!lines) lines = newLines(rng, pool, f.size);
      else if (f.append) lines.unshift(...newLines(rng, pool, f.append));
      else editLines(rng, pool, lines, f.scale);
      await fi.blob(v.mark, lines.join("\n") + "\n");
    }
  }

  // Commits and tags, in history order.
  const who = (c: { author: string; time: number }): string => `${c.author} <${c.author.toLowerCase().replace(/ /g, ".")}@example.com> ${c.time} +0000`;
  for (const c of plan.commits) {
    await fi.commit({
      ref: c.ref,
      mark: c.mark,
      author: who(c),
      committer: who(c),
      message: c.message + "\n",
      ...(c.from !== undefined ? { from: c.from } : {}),
      ...(c.merge !== undefined ? { merge: c.merge } : {}),
      ops: c.ops,
    });
    for (const t of c.tags ?? []) {
      if (t.message === null) await fi.reset(`refs/tags/${t.name}`, c.mark);
      else await fi.tag(t.name, c.mark, who(c), t.message);
    }
  }
  return plan;
}
