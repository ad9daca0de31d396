import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { ScrubRepo } from "./inspect-repo.js";
import type { ScrubPlan } from "./plan.js";
import type { FilterReport } from "./filter.js";
import { createScrubFilter } from "./filter.js";
import { FAST_EXPORT_ARGS, parseFastExport } from "../git/fast-export.js";
import { fastImportArgs, serializeElement } from "../git/fast-import.js";
import { listRefsAndHead } from "../git/refs.js";
import { git, spawnGit } from "../git/run-git.js";
import { CorruptObjectError } from "../errors.js";
import { awaitExit } from "./await-exit.js";
import { artifactsDir } from "./write-artifacts.js";

export interface RewriteOutcome {
  report: FilterReport;
  /** Refs as fast-import left them (in a scratch git dir, not the repository). Empty on a dry run. */
  newRefs: Map<string, string>;
  /** Mark -> new object id. */
  marks: Map<number, string>;
}

/** Batches small writes and waits when the pipe is full, so memory stays flat. */
function createSink(out: Writable) {
  let pending: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    if (!size) return;
    const ok = out.write(pending.length === 1 ? pending[0] : Buffer.concat(pending, size));
    pending = [];
    size = 0;
    if (!ok) await new Promise<void>((r) => out.once("drain", r));
  };
  return {
    async write(parts: Buffer[]) {
      for (const p of parts) {
        pending.push(p);
        size += p.length;
      }
      if (size >= 1 << 20) await flush();
    },
    flush,
  };
}

/**
 * `git fast-export --all | filter | git fast-import`. fast-import writes its objects into
 * the repository's object store but its refs into a scratch git dir: the repository's refs
 * do not move here at all, so a failure or a Ctrl-C at any point leaves them as they were
 * (only unreferenced objects, which gc removes). A dry run stops after the filter.
 */
export async function rewriteHistory(
  repo: ScrubRepo,
  plan: ScrubPlan,
  opts: { dryRun: boolean; refs: readonly string[]; onCommit?: (commits: number) => void },
): Promise<RewriteOutcome> {
  const filter = createScrubFilter(plan);
  // Inside the records folder (0700), where the next run finds what a killed one left.
  const scratch = opts.dryRun ? null : mkdtempSync(join(artifactsDir(repo), "tmp-"));
  try {
    const env = repo.env;
    const importEnv = scratch ? { ...env, GIT_DIR: scratch, GIT_OBJECT_DIRECTORY: repo.objectsDir } : env;
    if (scratch) await git(["init", "-q", "--bare", scratch], { cwd: repo.dir, env: repo.env });
    // The refs that end at a commit, named on stdin rather than --all: fast-export cannot
    // export a ref to a blob or a tree (rewrite-object-refs.ts does those), and a long ref
    // list does not fit on a command line.
    const exporter = spawnGit([...FAST_EXPORT_ARGS, "--stdin"], { cwd: repo.dir, env });
    exporter.stdin.end(opts.refs.map((r) => `${r}\n`).join(""));
    const exported = awaitExit(exporter, "fast-export");
    exported.catch(() => {});
    const importer = scratch ? spawnGit(fastImportArgs(join(scratch, "marks")), { cwd: scratch, env: importEnv }) : null;
    const sink = importer ? createSink(importer.stdin) : null;
    try {
      let done = false;
      for await (const el of parseFastExport(exporter.stdout)) {
        const out = await filter.filter(el);
        if (sink && out) await sink.write(serializeElement(out));
        if (el.type === "commit") opts.onCommit?.(1);
        done ||= el.type === "done";
      }
      await exported;
      await exporter.done;
      // A stream cut short is never a complete history (a preview would call it clean).
      if (!done) throw new CorruptObjectError("fast-export stream ended before `done`");
      if (sink && importer) {
        await sink.flush();
        importer.stdin.end();
        await awaitExit(importer, "fast-import");
        await importer.done;
      }
    } catch (err) {
      exporter.kill("SIGKILL");
      importer?.kill("SIGKILL");
      throw err;
    }
    const report = filter.report();
    if (!scratch) return { report, newRefs: new Map(), marks: new Map() };
    // A detached HEAD is exported as the ref "HEAD"; fast-import then detaches the scratch HEAD.
    return { report, newRefs: await listRefsAndHead({ cwd: scratch, env: importEnv }), marks: readMarks(join(scratch, "marks")) };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

function readMarks(file: string): Map<number, string> {
  const marks = new Map<number, string>();
  for (const line of readFileSync(file, "latin1").split("\n")) {
    if (line.startsWith(":")) marks.set(Number(line.slice(1, line.indexOf(" "))), line.slice(line.indexOf(" ") + 1));
  }
  return marks;
}
