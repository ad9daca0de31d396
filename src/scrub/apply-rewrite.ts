import { createWriteStream, fchmodSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { ScrubRepo } from "./inspect-repo.js";
import type { StashEntry } from "./keep-stashes.js";
import { awaitExit } from "./await-exit.js";
import { restoreStashes } from "./keep-stashes.js";
import { ZERO_OID } from "../git/refs.js";
import { git, spawnGit } from "../git/run-git.js";

export interface RefChange {
  ref: string;
  old: string;
  new: string;
}

/**
 * The old history, kept recoverable OUTSIDE the repository: a bundle beside it. Not a ref
 * inside it, because `git push --mirror` would then send the old history straight back.
 */
export async function writeBackupBundle(repo: ScrubRepo, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  // It holds every removed key: created owner-only (git would honour the umask, 0644),
  // exclusively (never through a link someone left there), from git's stdout.
  const { path, fd } = createExclusive(repo, stamp);
  fchmodSync(fd, 0o600);
  try {
    const bundle = spawnGit(["bundle", "create", "-q", "-", "--all"], { cwd: repo.dir, env: repo.env });
    bundle.stdin.end();
    // Any signal counts as a failure here: a cut-short bundle is no backup.
    await Promise.all([pipeline(bundle.stdout, createWriteStream("", { fd })), awaitExit(bundle, "bundle"), bundle.done]);
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
  return path;
}

/** Two runs in the same second (a re-run after a kill) must not collide: `-2`, `-3`, ... */
function createExclusive(repo: ScrubRepo, stamp: string): { path: string; fd: number } {
  for (let n = 1; ; n++) {
    const path = join(repo.besideDir, `${repo.name}.leakguard-backup-${stamp}${n === 1 ? "" : `-${n}`}.bundle`);
    try {
      return { path, fd: openSync(path, "wx", 0o600) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || n >= 100) throw err;
    }
  }
}

/**
 * Moves every rewritten ref in ONE `update-ref --stdin` transaction, each guarded by its
 * old value: all refs move or none do, and a ref someone moved meanwhile aborts it all.
 * Leftover `refs/original/` backups (from filter-branch) would keep the old history alive.
 */
export async function updateRefs(
  repo: ScrubRepo,
  oldRefs: Map<string, string>,
  newRefs: Map<string, string>,
  /** Scratch refs of this run (the stash pins), deleted in the same transaction. */
  scratch: ReadonlyArray<{ ref: string; old: string }> = [],
): Promise<RefChange[]> {
  const changes: RefChange[] = [];
  let input = "";
  for (const [ref, next] of newRefs) {
    const old = oldRefs.get(ref);
    if (old === undefined || old === next) continue;
    changes.push({ ref, old, new: next });
    if (next === ZERO_OID) input += `delete ${ref} ${old}\n`;
    else input += ref === "HEAD" ? `option no-deref\nupdate HEAD ${next} ${old}\n` : `update ${ref} ${next} ${old}\n`;
  }
  for (const [ref, old] of oldRefs) if (ref.startsWith("refs/original/")) input += `delete ${ref} ${old}\n`;
  for (const { ref, old } of scratch) input += `delete ${ref} ${old}\n`;
  if (input) await git(["update-ref", "--stdin"], { cwd: repo.dir, env: repo.env, input });
  return changes.sort((a, b) => a.ref.localeCompare(b.ref));
}

/**
 * Forgets the old objects: reflogs would keep them reachable; `repack -a -d` then writes
 * one pack of what refs, reflogs and the index reach and deletes the old packs, and
 * `prune` deletes loose leftovers. The part of `gc --prune=now` that matters, in two
 * processes instead of seven. Each step can be run again: a re-run after a kill finishes it.
 */
export async function dropOldObjects(repo: ScrubRepo, stashes: readonly StashEntry[] = []): Promise<void> {
  const opts = { cwd: repo.dir, env: repo.env };
  await git(["reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all"], opts);
  await restoreStashes(repo, stashes); // the stash list is a reflog: rebuilt, rewritten, before repack

  await git(["repack", "-a", "-d", "-q"], opts);
  await git(["prune", "--expire=now"], opts);
}
