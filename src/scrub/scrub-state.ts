import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ScrubRepo } from "./inspect-repo.js";
import type { RefChange } from "./apply-rewrite.js";
import type { FilterReport } from "./filter.js";
import type { ObjectRef } from "./rewrite-object-refs.js";
import type { StashEntry } from "./keep-stashes.js";
import { UsageError } from "../errors.js";
import { gitText } from "../git/run-git.js";
import { listRefOids, ZERO_OID } from "../git/refs.js";
import { artifactsDir } from "./write-artifacts.js";
import { writePrivateFile } from "./write-private-file.js";

/**
 * What a run must still do once its refs have moved, written just BEFORE they move: a run
 * killed after that point (during gc, say) leaves the keys in the object store, and the
 * next run reads this, sees the refs at their new values, and finishes (reflogs, stashes,
 * repack, prune, re-scan, report). Redacted values only; owner-only like every record.
 */
export interface ScrubState {
  version: 1;
  changes: RefChange[];
  stashes: StashEntry[];
  bundle: string;
  /** Whether the work tree was clean when the run began (a resumed run only moves the index). */
  clean: boolean;
  report: Omit<FilterReport, "commitMarks" | "holdingMarks">;
  objectRefs: ObjectRef[];
  firstChanged: Array<{ old: string; new: string | null }>;
}

const FILE = "unfinished.json";

export function writeState(repo: ScrubRepo, state: ScrubState): void {
  writePrivateFile(join(artifactsDir(repo), FILE), JSON.stringify(state));
}

export function clearState(repo: ScrubRepo): void {
  rmSync(join(repo.gitDir, "leakguard-scrub", FILE), { force: true });
}

/**
 * The unfinished run's state when its refs did move; null when there is none, or when it
 * stopped before the transaction (the refs are all at their old values: nothing to finish).
 */
export async function readState(repo: ScrubRepo): Promise<ScrubState | null> {
  const path = join(repo.gitDir, "leakguard-scrub", FILE);
  if (!existsSync(path)) return null;
  let state: ScrubState;
  try {
    state = JSON.parse(readFileSync(path, "utf8")) as ScrubState;
    if (state.version !== 1 || !Array.isArray(state.changes)) throw new Error("unknown version");
  } catch {
    throw new UsageError(`cannot read ${path}: remove it and run again`);
  }
  const refs = await currentValues(repo, state.changes.map((c) => c.ref));
  const at = (c: RefChange, value: string) => (refs.get(c.ref) ?? ZERO_OID) === value;
  if (state.changes.every((c) => at(c, c.new))) return state;
  if (state.changes.every((c) => at(c, c.old))) {
    clearState(repo);
    return null;
  }
  throw new UsageError(`refs moved since an unfinished scrub (${path}); check them, remove that file, and run again`);
}

async function currentValues(repo: ScrubRepo, refs: string[]): Promise<Map<string, string>> {
  const opts = { cwd: repo.dir, env: repo.env };
  const values = await listRefOids(opts);
  if (refs.includes("HEAD")) values.set("HEAD", (await gitText(["rev-parse", "--verify", "-q", "HEAD"], opts).catch(() => "")).trim());
  return values;
}
