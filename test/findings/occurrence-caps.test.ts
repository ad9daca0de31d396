import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { MAX_FINDINGS_PER_FILE, MAX_OCCURRENCES_PER_KEY } from "../../src/findings/collector.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { scanTree } from "../../src/findings/scan-tree.js";
import { formatText } from "../../src/report/text.js";
import type { Finding } from "../../src/findings/finding.js";
import { fakeKey } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";

// A hostile file of one key repeated (33 MB, a million times) used to make a million
// findings: 3.7 GB of memory and a 480 MB report. Every key is still listed, at each file it
// is in; only its repetitions in one file past a bound are counted instead of listed.

const keysOf = (rule: string, fs: readonly Finding[]) => fs.filter((f) => f.rule === rule);

describe("matches in one file", () => {
  it("lists a key repeated 5,000 times at its first places, and counts the rest", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("log", { "logs/app.log": Array.from({ length: 5000 }, (_, i) => `req ${i} key=${key}`).join("\n") + "\n" });
    const { findings, stats } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    const listed = keysOf("stripe-live-secret-key", findings);
    expect(listed).toHaveLength(MAX_OCCURRENCES_PER_KEY);
    expect(listed.map((f) => f.line)).toEqual(Array.from({ length: MAX_OCCURRENCES_PER_KEY }, (_, i) => i + 1));
    expect(stats.occurrencesOmitted).toBe(5000 - MAX_OCCURRENCES_PER_KEY);
  });

  it("lists the key again at a second file that holds it", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const body = Array.from({ length: 100 }, () => `k=${key}`).join("\n") + "\n";
    repo.commit("two", { "a.log": body, "b.log": `${body}x\n` });
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { all: true } });
    const listed = keysOf("stripe-live-secret-key", findings);
    expect(listed.filter((f) => f.path === "a.log")).toHaveLength(MAX_OCCURRENCES_PER_KEY);
    expect(listed.filter((f) => f.path === "b.log")).toHaveLength(MAX_OCCURRENCES_PER_KEY);
  });

  it("lists at most MAX_FINDINGS_PER_FILE keys of one file and counts the rest", async () => {
    const root = tempDir();
    const n = MAX_FINDINGS_PER_FILE + 500;
    writeFileSync(join(root, "dump.txt"), Array.from({ length: n }, () => fakeKey()).join("\n") + "\n");
    const result = await scanTree({ root });
    expect(keysOf("stripe-live-secret-key", result.findings)).toHaveLength(MAX_FINDINGS_PER_FILE);
    expect(result.stats.occurrencesOmitted).toBe(500);
    expect(formatText(result, { mode: "tree", target: root, color: false, version: "test" })).toContain("500 more match(es) not listed");
  });

  it("never lets allowed decoys crowd a real key out: it is listed after any number of them", async () => {
    const root = tempDir();
    const decoys = Array.from({ length: MAX_FINDINGS_PER_FILE + 10 }, () => `x = "${fakeKey()}"; // leakguard:allow`);
    const sameKeyAllowed = fakeKey();
    const repeats = Array.from({ length: MAX_OCCURRENCES_PER_KEY + 5 }, () => `y = "${sameKeyAllowed}"; // leakguard:allow`);
    const real = fakeKey();
    writeFileSync(join(root, "pay.js"), [...decoys, ...repeats, `z = "${sameKeyAllowed}";`, `k = "${real}";`].join("\n") + "\n");
    const { findings } = await scanTree({ root });
    const listed = keysOf("stripe-live-secret-key", findings);
    // The allowed key used once without the comment, and the real key: both are findings.
    expect(listed).toHaveLength(2);
    expect(listed.map((f) => f.line)).toEqual([decoys.length + repeats.length + 1, decoys.length + repeats.length + 2]);
  });
});
