import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScrubRepo } from "./inspect-repo.js";
import { git, gitText } from "../git/run-git.js";
import { removeKeys } from "./remove-keys.js";

/** One entry of the stash list: the reflog of refs/stash, oldest first. */
export interface StashEntry {
  old: string;
  /** Its rewritten id once the rewrite has run. */
  new: string | null;
  message: string;
}

/** Where each entry is pinned while the rewrite runs: fast-export only exports refs. */
export const STASH_PIN = "refs/leakguard-scrub/stash/";

/**
 * The stash list lives in refs/stash's reflog, which the rewrite's `reflog expire` empties
 * and fast-export never reads (it exports only the newest entry, the ref itself). So under
 * --force the entries are pinned as refs for the export, and the list is rebuilt from their
 * rewritten ids after the reflogs expire: no stash is lost, and none keeps a key.
 */
export function listStashes(repo: ScrubRepo): StashEntry[] {
  const log = join(repo.gitDir, "logs", "refs", "stash");
  if (!existsSync(log)) return [];
  return readFileSync(log, "latin1").split("\n").filter(Boolean).map((line) => {
    const tab = line.indexOf("\t");
    const msg = Buffer.from(tab < 0 ? "" : line.slice(tab + 1), "latin1");
    // A stash message is the user's text: a key typed into it goes like any other.
    return { old: line.split(" ")[1]!, new: null, message: (removeKeys(msg, true)?.bytes ?? msg).toString("utf8") };
  });
}

export async function pinStashes(repo: ScrubRepo, entries: readonly StashEntry[]): Promise<void> {
  await unpinStashes(repo);
  if (entries.length === 0) return;
  const input = entries.map((e, i) => `update ${STASH_PIN}${i} ${e.old}\n`).join("");
  await git(["update-ref", "--stdin"], { cwd: repo.dir, env: repo.env, input });
}

/** Deletes every pin (a run that stopped before the refs moved leaves them otherwise). */
export async function unpinStashes(repo: ScrubRepo): Promise<void> {
  const opts = { cwd: repo.dir, env: repo.env };
  const pins = (await gitText(["for-each-ref", "--format=delete %(refname) %(objectname)", STASH_PIN], opts)).trim();
  if (pins) await git(["update-ref", "--stdin"], { ...opts, input: pins + "\n" });
}

/** Re-creates refs/stash and its reflog, oldest entry first, from the rewritten ids. */
export async function restoreStashes(repo: ScrubRepo, entries: readonly StashEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const opts = { cwd: repo.dir, env: repo.env };
  await git(["update-ref", "-d", "refs/stash"], opts).catch(() => {});
  for (const e of entries) await git(["update-ref", "--create-reflog", "-m", e.message, "refs/stash", e.new ?? e.old], opts);
}
