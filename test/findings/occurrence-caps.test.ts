import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { MAX_OCCURRENCES_PER_KEY } from "../../src/detectors/types.js";
import type { Finding } from "../../src/findings/finding.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { scanTree } from "../../src/findings/scan-tree.js";
import { formatText } from "../../src/report/text.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";

// A hostile file of keys repeated (33 MB: 1,000 keys a thousand times each) used to make a
// million findings: 3.7 GB of memory and a 480 MB report. Every key is still listed, at each
// file it is in; only its repetitions in one file past a bound are counted instead of listed.

const keysOf = (fs: readonly Finding[]) => fs.filter((f) => f.rule === "stripe-live-secret-key");

describe("places of one key in one file", () => {
  it("lists a key repeated 5,000 times at its first places, and counts the rest", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("log", { "logs/app.log": Array.from({ length: 5000 }, (_, i) => `req ${i} key=${key}`).join("\n") + "\n" });
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(keysOf(findings).map((f) => f.line)).toEqual(Array.from({ length: MAX_OCCURRENCES_PER_KEY }, (_, i) => i + 1));
    expect(stats.occurrencesOmitted).toBe(5000 - MAX_OCCURRENCES_PER_KEY);
  });

  it("lists the key again at a second file that holds it", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const body = Array.from({ length: 100 }, () => `k=${key}`).join("\n") + "\n";
    repo.commit("two", { "a.log": body, "b.log": `${body}x\n` });
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    expect(keysOf(findings).filter((f) => f.path === "a.log")).toHaveLength(MAX_OCCURRENCES_PER_KEY);
    expect(keysOf(findings).filter((f) => f.path === "b.log")).toHaveLength(MAX_OCCURRENCES_PER_KEY);
  });

  it("still lists every distinct key of a file, however many, and says how many places it left out", async () => {
    const root = tempDir();
    const keys = Array.from({ length: 1500 }, () => fakeKey());
    writeFileSync(join(root, "dump.txt"), [...keys, ...keys].join("\n") + "\n");
    const all = await scanTree({ root });
    expect(new Set(keysOf(all.findings).map((f) => f.fingerprint)).size).toBe(1500);
    expect(all.stats.occurrencesOmitted ?? 0).toBe(0);
    const repeated = fakeKey();
    writeFileSync(join(root, "dump.txt"), Array.from({ length: MAX_OCCURRENCES_PER_KEY + 7 }, () => repeated).join("\n") + "\n");
    const capped = await scanTree({ root });
    expect(formatText(capped, { mode: "tree", target: root, color: false, version: "test" })).toContain("7 more place(s) of keys already listed were not listed");
  });

  it("never lets allowed repetitions crowd out the plain use of the same key", async () => {
    const root = tempDir();
    const key = fakeKey();
    const allowed = Array.from({ length: MAX_OCCURRENCES_PER_KEY + 5 }, () => `y = "${key}"; // leakguard:allow`);
    writeFileSync(join(root, "pay.js"), [...allowed, `z = "${key}";`].join("\n") + "\n");
    const { findings, suppressed } = await scanTree({ root });
    expect(keysOf(findings).map((f) => f.line)).toEqual([allowed.length + 1]);
    expect(suppressed).toHaveLength(MAX_OCCURRENCES_PER_KEY);
  });
});
