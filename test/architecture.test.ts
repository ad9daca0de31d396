import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Architecture } from "../src/architecture.js";
import { ARCHITECTURE } from "../src/architecture.js";
import { arrowsTable, checkArchitecture, checkArchitectureData } from "./helpers/check-architecture.js";

// The folder arrows of src/architecture.ts hold for every import in src/, the data does
// not contradict itself, docs/ARCHITECTURE.md shows the same arrows, and the checker
// catches each way an import can be written (proved on fixture trees with wrong imports).

const SRC = new URL("../src", import.meta.url).pathname;

describe("src/", () => {
  it("imports only along the arrows of src/architecture.ts", () => {
    expect(checkArchitecture(SRC, ARCHITECTURE)).toEqual([]);
  });

  it("has architecture data that does not contradict itself", () => {
    expect(checkArchitectureData(ARCHITECTURE)).toEqual([]);
  });

  it("is described by docs/ARCHITECTURE.md's arrow table, generated from the data", () => {
    const doc = readFileSync(new URL("../docs/ARCHITECTURE.md", import.meta.url), "utf8");
    const table = /<!-- arrows:begin -->\n([\s\S]*?)<!-- arrows:end -->/.exec(doc)?.[1];
    expect(table, "docs/ARCHITECTURE.md must hold the table between <!-- arrows:begin --> and <!-- arrows:end -->").toBeDefined();
    expect(table).toBe(arrowsTable(ARCHITECTURE));
  });
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fixture tree `<tmp>/src/...` from `{ "detectors/a.ts": "…" }`; returns the src root. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "leakguard-arch-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, "src", path)), { recursive: true });
    writeFileSync(join(dir, "src", path), text);
  }
  return join(dir, "src");
}

/** A small pipeline: git <- detectors is forbidden, endings are siblings, cli on top. */
const SMALL: Architecture = {
  units: {
    "errors.ts": { owns: "errors", imports: [], pure: true },
    git: { owns: "git", imports: ["errors.ts"] },
    detectors: { owns: "matching", imports: [], pure: true },
    findings: { owns: "findings", imports: ["detectors"] },
    hook: { owns: "hook", imports: ["findings", "git"] },
    app: { owns: "app", imports: ["findings", "git"] },
    cli: { owns: "wiring", imports: ["hook", "app", "findings", "git", "errors.ts"] },
  },
  never: [
    { from: "*", to: "cli", why: "cli is the wiring" },
    { from: "detectors", to: "git", why: "detectors are pure" },
    { from: "hook", to: "app", why: "endings are siblings" },
  ],
  packages: { "node:child_process": ["git"], "@octokit/*": ["app"] },
  exceptions: [],
};

const BASE = {
  "errors.ts": "export class E extends Error {}\n",
  "git/run-git.ts": 'import { spawn } from "node:child_process";\nexport const run = () => spawn("git");\n',
  "detectors/detect.ts": "export const detect = (s: string) => s.length;\n",
  "findings/scan.ts": 'import { detect } from "../detectors/detect.js";\nexport const scan = detect;\n',
  "hook/verdict.ts": 'import { scan } from "../findings/scan.js";\nexport const verdict = scan;\n',
  "app/on-push.ts": 'import { scan } from "../findings/scan.js";\nexport const onPush = scan;\n',
  "cli/main.ts": 'import { verdict } from "../hook/verdict.js";\nimport { onPush } from "../app/on-push.js";\nexport const main = [verdict, onPush];\n',
};

describe("checkArchitecture", () => {
  it("passes a tree that keeps to its arrows", () => {
    expect(checkArchitecture(tree(BASE), SMALL)).toEqual([]);
  });

  it("fails a detectors -> git import with file:line and the reason it is never allowed", () => {
    const root = tree({ ...BASE, "detectors/detect.ts": '// reads git\n\nimport { run } from "../git/run-git.js";\nexport const detect = run;\n' });
    expect(checkArchitecture(root, SMALL)).toEqual(["src/detectors/detect.ts:3: folder detectors may not import folder git (never: detectors are pure)"]);
  });

  it("sees every form an import takes: type-only, multi-line, export-from, dynamic, typeof import(), require, a worker by URL, in .mjs too", () => {
    const root = tree({
      ...BASE,
      "hook/a.ts": 'import type { onPush } from "../app/on-push.js";\nexport type A = typeof onPush;\n',
      "hook/b.ts": 'import {\n  onPush,\n} from "../app/on-push.js";\nexport const b = onPush;\n',
      "hook/c.ts": 'export { onPush } from "../app/on-push.js";\n',
      "hook/d.ts": 'export async function d() {\n  return (await import("../app/on-push.js")).onPush;\n}\n',
      "hook/e.ts": 'export type E = typeof import("../app/on-push.js");\n',
      "hook/f.ts": 'declare const require: (s: string) => unknown;\nexport const f = require("../app/on-push.js");\n',
      "hook/g.ts": 'import onPush = require("../app/on-push.js");\nexport const g = onPush;\n',
      "hook/h.ts": 'import { Worker } from "node:worker_threads";\nexport const h = () =>\n  new Worker(new URL("../app/on-push.js", import.meta.url));\n',
      "hook/i.mjs": 'export const i = import("../app/on-push.js");\n',
    });
    const why = "folder hook may not import folder app (never: endings are siblings)";
    expect(checkArchitecture(root, SMALL)).toEqual([
      `src/hook/a.ts:1: ${why}`,
      `src/hook/b.ts:1: ${why}`,
      `src/hook/c.ts:1: ${why}`,
      `src/hook/d.ts:2: ${why}`,
      `src/hook/e.ts:1: ${why}`,
      `src/hook/f.ts:2: ${why}`,
      `src/hook/g.ts:1: ${why}`,
      `src/hook/h.ts:3: ${why}`,
      `src/hook/i.mjs:1: ${why}`,
    ]);
  });

  it("does not mistake an import written in a string or a comment for one", () => {
    const root = tree({ ...BASE, "hook/h.ts": '// import { x } from "../app/on-push.js";\nexport const h = \'import("../app/on-push.js")\';\n' });
    expect(checkArchitecture(root, SMALL)).toEqual([]);
  });

  it("fails an arrow that is simply not drawn, and an import of cli from anywhere", () => {
    const root = tree({
      ...BASE,
      "findings/up.ts": 'import { verdict } from "../hook/verdict.js";\nexport const up = verdict;\n',
      "git/main.ts": 'import { main } from "../cli/main.js";\nexport const m = main;\n',
    });
    expect(checkArchitecture(root, SMALL)).toEqual([
      "src/findings/up.ts:1: folder findings may not import folder hook",
      "src/git/main.ts:1: folder git may not import folder cli (never: cli is the wiring)",
    ]);
  });

  it("fails a package in a pure folder, and a package another folder owns, but not a type-only import of it", () => {
    const root = tree({
      ...BASE,
      "detectors/read.ts": 'import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n',
      "hook/spawn.ts": 'import { spawnSync } from "node:child_process";\nexport const s = spawnSync;\n',
      "hook/types.ts": 'import type { ChildProcess } from "node:child_process";\nexport type C = ChildProcess;\n',
      "hook/octo.ts": 'import { Octokit } from "@octokit/rest";\nexport const o = Octokit;\n',
    });
    expect(checkArchitecture(root, SMALL)).toEqual([
      "src/detectors/read.ts:1: folder detectors is pure and may not import node:fs",
      "src/hook/octo.ts:1: folder hook may not import @octokit/rest (only app)",
      "src/hook/spawn.ts:1: folder hook may not import node:child_process (only git)",
    ]);
  });

  it("fails a folder the data does not declare, a computed import and a path leaving the root", () => {
    const root = tree({
      ...BASE,
      "newstage/x.ts": "export const x = 1;\n",
      "hook/y.ts": 'import { x } from "../newstage/x.js";\nexport const y = x;\n',
      "app/z.ts": 'const name = "../hook/verdict.js";\nexport const z = () => import(name);\n',
      "app/w.ts": 'import pkg from "../../package.json";\nexport const w = pkg;\n',
    });
    expect(checkArchitecture(root, SMALL)).toEqual([
      "src/app/w.ts:1: folder app imports ../../package.json, outside src",
      "src/app/z.ts:2: an import with a computed specifier cannot be checked",
      "src/hook/y.ts:1: folder newstage is not declared in the architecture",
      "src/newstage/x.ts: folder newstage is not declared in the architecture",
    ]);
  });

  it("lets a pinned exception through for its file only, and fails it once the import is gone", () => {
    const arch: Architecture = { ...SMALL, exceptions: [{ file: "src/hook/legacy.ts", imports: "app", why: "moving" }] };
    const legacy = 'import { onPush } from "../app/on-push.js";\nexport const l = onPush;\n';
    expect(checkArchitecture(tree({ ...BASE, "hook/legacy.ts": legacy }), arch)).toEqual([]);
    expect(checkArchitecture(tree({ ...BASE, "hook/legacy.ts": legacy, "hook/copy.ts": legacy }), arch)).toEqual([
      "src/hook/copy.ts:1: folder hook may not import folder app (never: endings are siblings)",
    ]);
    expect(checkArchitecture(tree(BASE), arch)).toEqual(['src/hook/legacy.ts: exception "src/hook/legacy.ts imports app" matches no import any more: remove it']);
  });
});

describe("checkArchitectureData", () => {
  it("fails an arrow both allowed and never allowed, and a unit nobody declared", () => {
    const arch: Architecture = {
      ...SMALL,
      units: { ...SMALL.units, hook: { owns: "hook", imports: ["findings", "app", "nowhere"], because: { git: "reads refs" } } },
      exceptions: [{ file: "src/x.ts", imports: "elsewhere", why: "" }],
    };
    expect(checkArchitectureData(arch)).toEqual([
      "hook -> app is both allowed and never allowed (endings are siblings)",
      "hook allows unknown folder nowhere",
      "hook explains an arrow to git it does not allow",
      "exception for src/x.ts names unknown folder elsewhere",
    ]);
  });
});
