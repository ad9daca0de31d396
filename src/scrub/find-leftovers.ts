import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ScrubRepo } from "./inspect-repo.js";

/**
 * Backups beside the repository from earlier runs (finished or killed midway): each holds
 * the keys, so each is named in the report rather than silently left lying around. The
 * caller's own bundle is excluded. Scratch folders that a killed run left inside
 * `.git/leakguard-scrub/` are removed (they hold no key, only fast-import's refs and marks).
 */
export function findLeftovers(repo: ScrubRepo, own: string | null = null): string[] {
  const prefix = `${repo.name}.leakguard-backup-`;
  let names: string[] = [];
  try {
    names = readdirSync(repo.besideDir);
  } catch {
    // an unreadable parent folder: nothing to name (the bundle could not be written there either)
  }
  const bundles = names
    .filter((f) => f.startsWith(prefix) && f.includes(".bundle"))
    .map((f) => join(repo.besideDir, f))
    .filter((p) => p !== own)
    .sort();
  const records = join(repo.gitDir, "leakguard-scrub");
  if (existsSync(records)) for (const f of readdirSync(records)) if (f.startsWith("tmp-")) rmSync(join(records, f), { recursive: true, force: true });
  return bundles;
}
