import { resolve } from "node:path";
import type { CliIo } from "./io.js";
import { UsageError } from "../errors.js";
import type { Selection } from "../git/engine.js";
import type { EngineName } from "../git/open-engine.js";
import { openEngine } from "../git/open-engine.js";
import { countAllCommits } from "../git/list-files.js";
import { scanHistory } from "../findings/scan-history.js";
import { scanTree } from "../findings/scan-tree.js";
import { readBaseline, writeBaseline } from "../findings/baseline.js";
import type { ScanResult } from "../findings/finding.js";
import type { Format, ReportContext } from "../report/index.js";
import { FORMATTERS } from "../report/index.js";
import { createProgressBar } from "./progress.js";
import { writeOutput } from "./write-output.js";
import { VERSION } from "../version.js";

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
}

/** `leakguard scan`: flags -> scan (tree or history) -> report -> exit code. */
export async function runScan(path: string, flags: ScanFlags, io: CliIo): Promise<void> {
  const root = resolve(io.cwd, path);
  const baseline = flags.baseline ? readBaseline(resolve(io.cwd, flags.baseline)) : new Set<string>();
  const mode: ReportContext["mode"] = flags.range ? "range" : flags.history ? "history" : "tree";
  const result = mode === "tree" ? await scanTree({ root, baseline }) : await scanRepo(root, flags, baseline, io);

  if (flags.writeBaseline) {
    const n = writeBaseline(resolve(io.cwd, flags.writeBaseline), result.findings, baseline);
    io.stderr.write(`[leakguard] baseline written: ${n} fingerprint(s) in ${flags.writeBaseline}\n`);
    io.exitCode = 0;
    return;
  }
  const color = flags.color && !flags.output && Boolean(io.stdout.isTTY) && !io.env["NO_COLOR"];
  const ctx: ReportContext = { mode, target: flags.range ? `${path} ${flags.range}` : path, color, version: VERSION };
  const text = FORMATTERS[flags.format](result, ctx);
  if (flags.output) writeOutput(resolve(io.cwd, flags.output), text);
  else io.stdout.write(text);
  // Incomplete is never clean (issue 8): the report names what was not read, and exits 2.
  io.exitCode = result.stats.incomplete ? 2 : result.findings.length > 0 ? 1 : 0;
}

async function scanRepo(root: string, flags: ScanFlags, baseline: Set<string>, io: CliIo): Promise<ScanResult> {
  const engine = await openEngine(root, flags.engine, io.env);
  try {
    await engine.open();
    const selection = flags.range ? await rangeSelection(flags.range, (rev) => engine.resolve(rev)) : { all: true };
    const total = selection.all && engine.name === "native" && flags.progress ? await countAllCommits(root, io.env) : null;
    const bar = flags.progress ? createProgressBar(io.stderr, total) : null;
    try {
      return await scanHistory({ engine, selection, baseline, ...(bar ? { onProgress: bar.update } : {}) });
    } finally {
      bar?.stop();
    }
  } finally {
    await engine.close();
  }
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
