import { resolve } from "node:path";
import type { CliIo } from "./io.js";
import { UsageError } from "../errors.js";
import type { GitEngine, Selection } from "../git/engine.js";
import type { EngineName } from "../git/open-engine.js";
import { openEngine } from "../git/open-engine.js";
import { scanHistory } from "../findings/scan-history.js";
import { boundaryCommits } from "../objects/boundary-commits.js";
import { findAlreadyPresent } from "../findings/already-present.js";
import { scanTree } from "../findings/scan-tree.js";
import { readBaseline, writeBaseline } from "../findings/baseline.js";
import type { ScanResult } from "../findings/finding.js";
import { emptyStats } from "../findings/collector.js";
import type { Format, ReportContext } from "../report/index.js";
import { FORMATTERS } from "../report/index.js";
import { createProgressBar } from "./progress.js";
import { countHistory } from "./count-history.js";
import { writeOutput } from "./write-output.js";
import { outputSummary } from "./output-summary.js";
import { VERSION } from "../version.js";
import type { Severity } from "../vocabulary/index.js";
import { severityAtLeast } from "../vocabulary/index.js";
import { FIXTURE_RULES, loadRepoConfig } from "../config/repo-config.js";
import type { RepoConfig } from "../config/repo-config.js";
import { stagedFiles } from "../objects/staged.js";
import type { TreeEntry } from "../objects/working-tree.js";
import { listRefOids, isZeroOid } from "../git/refs.js";
import { gitText } from "../git/run-git.js";
import { escapeControls } from "../findings/escape-controls.js";

export interface ScanFlags {
  history?: boolean;
  range?: string;
  format: Format;
  output?: string;
  engine: EngineName;
  baseline?: string;
  writeBaseline?: string;
  progress: boolean;
  color: boolean;
  /** The index (what the next commit holds) instead of the files on disk. */
  staged?: boolean;
  /** pre-push: the remote's name; the refs being pushed come on stdin as git gives them. */
  pushed?: string;
  /** Exit 1 only for findings at or above this severity (default: every finding fails). */
  failOn?: Severity;
  /** A `.leakguard.yml` to use instead of the one at the scanned root. */
  config?: string;
}

/** `leakguard scan`: flags -> scan (tree, index or history) -> report -> exit code. */
export async function runScan(path: string, flags: ScanFlags, io: CliIo): Promise<void> {
  const root = resolve(io.cwd, path);
  if ([flags.staged, flags.pushed !== undefined, flags.range !== undefined || flags.history].filter(Boolean).length > 1) {
    throw new UsageError("choose one of --staged, --pushed, and --history/--range");
  }
  // The index's paths are the repository's, so its config is the one at the top.
  const configRoot = flags.staged || flags.pushed !== undefined ? await topLevel(root) : root;
  const config = await loadRepoConfig({ root: configRoot, file: flags.config ? resolve(io.cwd, flags.config) : undefined });
  const baselineFile = flags.baseline ? resolve(io.cwd, flags.baseline) : config.baseline;
  const baseline = baselineFile ? readBaseline(baselineFile) : new Set<string>();
  const mode: ReportContext["mode"] = flags.range || flags.pushed !== undefined ? "range" : flags.history ? "history" : "tree";
  const result = flags.staged
    ? await scanStaged(root, baseline, io.env)
    : mode === "tree"
      ? await scanTree({ root, baseline, env: io.env })
      : await scanRepo(root, flags, baseline, io);
  foldTestFixtures(result, config);

  if (flags.writeBaseline) {
    const n = writeBaseline(resolve(io.cwd, flags.writeBaseline), result.findings, baseline);
    io.stderr.write(escapeControls(`[leakguard] baseline written: ${n} fingerprint(s) in ${flags.writeBaseline}`, { oneLine: true }) + "\n");
    io.exitCode = 0;
    return;
  }
  const color = flags.color && !flags.output && Boolean(io.stdout.isTTY) && !io.env["NO_COLOR"];
  const target = flags.range ? `${path} ${flags.range}` : flags.staged ? `${path} (staged)` : flags.pushed !== undefined ? `${path} (push to ${flags.pushed})` : path;
  const ctx: ReportContext = { mode, target, color, version: VERSION };
  const text = FORMATTERS[flags.format](result, ctx);
  if (flags.output) {
    writeOutput(resolve(io.cwd, flags.output), text);
    io.stderr.write(outputSummary(result, flags.output));
  } else io.stdout.write(text);

  // Incomplete is never clean, and outranks findings: the report is written, and exit 2
  // says that what was not read may hold more (docs/SECURITY.md, "never clean without looking").
  if (result.stats.unreadable > 0) {
    const first = result.unread?.[0];
    io.stderr.write(
      escapeControls(`[leakguard] incomplete scan: ${result.stats.unreadable} ${flags.staged ? "staged " : ""}file(s) could not be read${first ? ` (first: ${first.path}, ${first.reason})` : ""}`, { oneLine: true }) + "\n",
    );
    io.exitCode = 2;
    return;
  }
  if (result.stats.incomplete) {
    // An object the selection names could not be read (issue 8): the report names them all.
    io.stderr.write(`[leakguard] incomplete scan: ${result.stats.unreadObjects.length} object(s) could not be read (first: ${result.stats.unreadObjects[0] ?? "?"})\n`);
    io.exitCode = 2;
    return;
  }
  const failOn = flags.failOn ?? config.failOn ?? "low";
  const failing = result.findings.filter((f) => severityAtLeast(f.severity, failOn)).length;
  const below = result.findings.length - failing;
  if (below > 0 && failing === 0) {
    io.stderr.write(`[leakguard] ${below} finding(s) below the fail threshold (${failOn}${flags.failOn ? "" : ` from ${config.source}`}): not failing\n`);
  }
  io.exitCode = failing > 0 ? 1 : 0;
}

/** Test-mode keys in the repository's declared fixture paths are counted as suppressed; live keys never are. */
function foldTestFixtures(result: ScanResult, config: RepoConfig): void {
  const folded = (f: ScanResult["findings"][number]) => FIXTURE_RULES.has(f.rule) && config.isTestFixture(f.path);
  const moved = result.findings.filter(folded);
  result.stats.suppressed += moved.length;
  result.findings = result.findings.filter((f) => !folded(f));
  // Still shown as suppressed in every format, like an inline allow.
  if (moved.length) result.suppressed = [...(result.suppressed ?? []), ...moved.map((f) => ({ ...f, suppressedBy: "test-fixture" as const }))];
}

async function topLevel(dir: string): Promise<string> {
  const out = await gitText(["-c", "core.fsmonitor=false", "rev-parse", "--show-toplevel"], { cwd: dir }).catch(() => {
    throw new UsageError(`not inside a git work tree: ${dir}`);
  });
  return out.trim();
}

async function scanStaged(root: string, baseline: Set<string>, env: NodeJS.ProcessEnv): Promise<ScanResult> {
  const counts = { submodules: 0 };
  const result = await scanTree({ root, baseline, env, files: stagedEntries(stagedFiles(root, counts, env)) });
  result.stats.submodules += counts.submodules;
  return result;
}

/** The index as tree entries: a staged blob git could not hand over is unreadable, never skipped. */
async function* stagedEntries(files: ReturnType<typeof stagedFiles>): AsyncGenerator<TreeEntry & { blob?: string }> {
  for await (const f of files) {
    yield f.bytes === null ? { type: "unreadable", path: f.path, reason: "object missing", blob: f.blob } : { type: "file", path: f.path, bytes: f.bytes, symlink: false, blob: f.blob };
  }
}

async function scanRepo(root: string, flags: ScanFlags, baseline: Set<string>, io: CliIo): Promise<ScanResult> {
  const engine = await openEngine(root, flags.engine, io.env);
  try {
    await engine.open();
    const selection =
      flags.pushed !== undefined
        ? await pushSelection(await readAll(io.stdin), flags.pushed, root, (rev) => engine.resolve(rev))
        : flags.range
          ? await rangeSelection(flags.range, (rev) => engine.resolve(rev))
          : { all: true };
    // Deleting branches only, or pushing what the remote already has: nothing new to read.
    if (selection.include?.length === 0) return { findings: [], stats: emptyStats() };
    // Totals only where they are known (every blob of the store is what the native engine
    // reads in full); counted alongside the scan, never before it, and only for a terminal.
    const showBar = flags.progress && Boolean((io.stderr as { isTTY?: boolean }).isTTY);
    const totals = showBar && selection.all && engine.name === "native" ? countHistory(root, io.env) : null;
    const bar = showBar ? createProgressBar(io.stderr, totals) : null;
    let result: ScanResult;
    try {
      result = await scanHistory({ engine, selection, baseline, ...(bar ? { onProgress: bar.update } : {}) });
      bar?.finish(result.stats);
    } finally {
      bar?.stop();
    }
    if (!selection.all && result.findings.length) await leaveOutHeld(result, selection, root, engine, io);
    return result;
  } finally {
    await engine.close();
  }
}

/**
 * A range (or a pre-push) reports what it adds: a key the commits it builds on already
 * held is left out, and counted on stderr (src/findings/already-present.ts has the rule).
 */
async function leaveOutHeld(result: ScanResult, selection: Selection, root: string, engine: GitEngine, io: CliIo): Promise<void> {
  const boundary = await boundaryCommits(root, io.env, selection.include ?? [], selection.exclude ?? []).catch(() => [] as string[]);
  if (boundary.length === 0) return;
  const held = await findAlreadyPresent(engine, result.findings, boundary);
  if (held.size === 0) return;
  const left = result.findings.filter((f) => held.has(f.fingerprint));
  result.findings = result.findings.filter((f) => !held.has(f.fingerprint));
  const keys = new Set(left.map((f) => f.fingerprint)).size;
  io.stderr.write(
    `[leakguard] left out ${left.length} finding(s) of ${keys} key(s) or file(s) already present before the range (in the tree of a commit it builds on, e.g. ${[...held.values()][0]!.commit.slice(0, 10)}); scan --history lists them\n`,
  );
}

/** `A..B` (either side may be empty, meaning HEAD), as git reads it; `A...B` is refused. */
export async function rangeSelection(range: string, resolveRev: (rev: string) => Promise<string>): Promise<Selection> {
  if (range.includes("...") || !range.includes("..")) {
    throw new UsageError(`--range takes A..B (commits reachable from B and not from A), got: ${range}`);
  }
  const [from, to] = range.split("..") as [string, string];
  const [a, b] = await Promise.all([resolveRev(from || "HEAD"), resolveRev(to || "HEAD")]);
  return { include: [b], exclude: [a] };
}

/**
 * pre-push: git gives `<local ref> <local oid> <remote ref> <remote oid>` per ref on stdin.
 * What the push sends is every local tip, minus what the remote already has: its old tips
 * that exist here and every remote-tracking ref of that remote (a new branch's base).
 */
export async function pushSelection(input: string, remote: string, root: string, resolveRev: (rev: string) => Promise<string>): Promise<Selection> {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const line of input.split("\n")) {
    if (!line.trim()) continue;
    const [, local, , remoteOid] = line.trim().split(" ");
    if (!local || !remoteOid || !/^[0-9a-f]{40,64}$/.test(local) || !/^[0-9a-f]{40,64}$/.test(remoteOid)) {
      throw new UsageError(`--pushed reads git's pre-push lines (<local ref> <oid> <remote ref> <oid>), got: ${line.slice(0, 200)}`);
    }
    if (!isZeroOid(local)) include.push(local);
    // The remote's old tip may be a commit this clone never fetched: then it excludes nothing.
    if (!isZeroOid(remoteOid)) await resolveRev(remoteOid).then((oid) => exclude.push(oid), () => {});
  }
  const tracking = await listRefOids({ cwd: root }, [`refs/remotes/${remote}/`]).catch(() => new Map<string, string>());
  exclude.push(...tracking.values());
  return { include, exclude };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString("utf8");
}
