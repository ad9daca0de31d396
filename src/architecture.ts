// The folder arrows of src/, as data: which unit (a folder under src/, or a file at its
// root) may import which. test/architecture.test.ts checks every import in src/ against
// it, and docs/ARCHITECTURE.md's table against it. Nothing in src/ imports this file.
//
// The pipeline, in data-flow order: an ending selects -> objects (what is read, the only
// stage that reads through git, the source) -> findings (targets + detectors, pure
// matching -> the one type endings see) -> the ending's output. The four endings, report,
// hook, scrub and app, are siblings: none imports another, and what two of them share
// belongs in findings/. vocabulary/ is the leaf every stage speaks; cli/ is the
// wiring above everything; util/ holds helpers with no domain at all.

export interface UnitRules {
  /** What the unit owns, one line (shown in docs/ARCHITECTURE.md). */
  readonly owns: string;
  /** The other units it may import (types included: a type import couples as much). */
  readonly imports: readonly string[];
  /** Imports no package and no `node:*` module at all (no I/O can get in). */
  readonly pure?: boolean;
  /** Why an arrow that looks wrong is right, for each such entry of `imports`. */
  readonly because?: Readonly<Record<string, string>>;
}

/** An arrow that must never exist; `from: "*"` is every unit. */
export interface NeverArrow {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/**
 * One file allowed one forbidden arrow, for now: drift that another item of issue 13
 * removes. Pinned to the file so that no new code can use the arrow, and reported as
 * stale once the import is gone, so the list only shrinks.
 */
export interface ArrowException {
  readonly file: string;
  readonly imports: string;
  readonly why: string;
}

export interface Architecture {
  readonly units: Readonly<Record<string, UnitRules>>;
  readonly never: readonly NeverArrow[];
  /** Packages only some units may import (value imports; a type import does no I/O). */
  readonly packages: Readonly<Record<string, readonly string[]>>;
  readonly exceptions: readonly ArrowException[];
}

const ENDINGS = ["report", "hook", "scrub", "app"] as const;

export const ARCHITECTURE = {
  units: {
    vocabulary: { owns: "rules (kind, mode, issuer, severity, title), severities and their order, vectors", imports: [], pure: true },
    "errors.ts": { owns: "the typed errors every stage throws", imports: [], pure: true },
    "version.ts": { owns: "the package version", imports: [], pure: true },
    "architecture.ts": { owns: "these arrows", imports: [], pure: true },
    util: { owns: "helpers that know nothing of git or keys: an async queue, atomic file writes (issue 13 item 3), turns for the event loop", imports: [] },
    git: {
      owns: "the git source: the only code that spawns git (run-git.ts); engines (native, isomorphic), fast-export/fast-import streams",
      imports: ["errors.ts"],
    },
    objects: {
      owns: "what is read, as scan targets: which commits an app push selects, the history stream (walk, reads, filters, messages), a tree at a commit, boundary trees, the working tree, the index, decoded views and archive members",
      imports: ["git", "util", "vocabulary", "errors.ts"],
    },
    detectors: { owns: "pure matching: (path, bytes) -> Match[]; Stripe keys, dotenv files, vectors", imports: ["vocabulary"], pure: true },
    findings: {
      owns: "targets + detectors + baseline -> Finding; redaction, fingerprints, advice, safe display of names",
      imports: ["objects", "detectors", "util", "vocabulary", "errors.ts"],
    },
    config: { owns: "configuration read once: the app's environment, a repository's .leakguard.yml", imports: ["vocabulary", "errors.ts"] },
    "scan-worker": {
      owns: "runs a scan in a worker thread for the hook and the app (a push, a tip, a batch of pushes scanned in one pass), and kills its git children",
      imports: ["findings", "objects", "git", "errors.ts"],
      because: { git: "the worker opens the git engine in its own thread, where the processes it starts are tracked and killed" },
    },
    report: { owns: "ending: text, JSON and SARIF reports", imports: ["findings", "vocabulary", "errors.ts"] },
    hook: {
      owns: "ending: the pre-receive verdict, its messages, bypass and audit log, install",
      imports: ["findings", "objects", "git", "scan-worker", "util", "vocabulary", "errors.ts"],
      because: { git: "a push is selected as git sees it (the quarantine's new objects, the server's own for keys already held), and install asks git for the hooks directory" },
    },
    scrub: {
      owns: "ending: the history rewrite (fast-export | filter | fast-import) and its safety kit",
      imports: ["findings", "objects", "git", "detectors", "util", "vocabulary", "errors.ts"],
      because: {
        git: "the rewrite is git's own fast-export and fast-import",
        detectors: "the replacement step needs the raw key, which a Finding never carries (DESIGN.md: the raw value exists only in memory and in scrub's replacement step), and decides by the dotenv path rule as the stream passes",
      },
    },
    app: {
      owns: "ending: the GitHub App: webhooks, mirrors, check runs, incidents, the store",
      imports: ["findings", "objects", "git", "config", "scan-worker", "vocabulary", "errors.ts"],
      because: { git: "the app keeps a mirror of each repository (git fetch) and selects what a push or a first sight reads" },
    },
    cli: {
      owns: "wiring: argv, stdout and exit codes; each command reads flags -> stages -> exit code",
      imports: ["vocabulary", "util", "errors.ts", "version.ts", "git", "objects", "findings", "config", "scan-worker", "report", "hook", "scrub", "app"],
    },
  },
  never: [
    { from: "*", to: "cli", why: "cli is the wiring: only it reads argv, writes stdout and exits" },
    { from: "detectors", to: "git", why: "detectors are pure functions over (path, bytes): no git, no I/O" },
    { from: "detectors", to: "objects", why: "detectors see bytes, not where they were read" },
    { from: "detectors", to: "findings", why: "a Match becomes a Finding in findings/, never the other way round" },
    { from: "git", to: "detectors", why: "the git source holds no detection logic" },
    { from: "git", to: "findings", why: "the git source knows nothing of what is found" },
    { from: "git", to: "objects", why: "objects are read through git, not the other way round" },
    ...ENDINGS.map((e) => ({ from: "findings", to: e, why: "findings never knows which ending reads it" })),
    ...ENDINGS.flatMap((a) =>
      ENDINGS.filter((b) => b !== a).map((b) => ({ from: a, to: b, why: "endings are siblings: what two of them share belongs in findings/" })),
    ),
    { from: "scan-worker", to: "hook", why: "the scan worker serves the hook and the app and loads neither" },
    { from: "scan-worker", to: "app", why: "the scan worker serves the hook and the app and loads neither" },
  ],
  packages: {
    "node:child_process": ["git"],
    "isomorphic-git": ["git"],
    fflate: ["objects"],
    "tar-stream": ["objects"],
    "node:worker_threads": ["scan-worker", "app"],
    "@octokit/*": ["app"],
    express: ["app"],
    "node:http": ["app"],
    "better-sqlite3": ["app"],
    pg: ["app"],
    "graphile-worker": ["app"],
    pino: ["app"],
    commander: ["cli"],
    "cli-progress": ["cli"],
  },
  exceptions: [],
} as const satisfies Architecture;
