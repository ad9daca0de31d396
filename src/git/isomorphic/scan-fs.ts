import type { PromiseFsClient } from "isomorphic-git";
import { join } from "node:path";
import { isAbsent } from "./find-git-dir.js";

type Promises = PromiseFsClient["promises"];
const COMMANDS = ["readFile", "writeFile", "unlink", "readdir", "mkdir", "rmdir", "stat", "lstat", "readlink", "symlink", "chmod", "rm", "cp"] as const;
const LOOSE = /\/objects\/[0-9a-f]{2}\/[0-9a-f]{38}$/;

/**
 * The file system isomorphic-git reads through during a scan. For every object it reads,
 * isomorphic-git stats the git dir, tries a loose object file and lists the pack folder;
 * on a large history those failed syscalls cost as much as the inflating. A scan reads a
 * repository that does not change under it, so this answers them from what it saw once:
 * the loose objects present when the engine opened, the pack list, the git dir's stat.
 * isomorphic-git also probes the fs on every call; that probe is answered here too.
 */
export async function createScanFs(fs: PromiseFsClient, gitdir: string): Promise<PromiseFsClient> {
  const base = fs.promises;
  const loose = await listLoose(base, gitdir);
  const packDir = join(gitdir, "objects", "pack");
  let packs: Promise<unknown> | null = null;
  const stats = new Map<string, Promise<unknown>>();
  const promises: Record<string, unknown> = {};
  const all = base as unknown as Record<string, unknown>;
  for (const c of COMMANDS) if (typeof all[c] === "function") promises[c] = (all[c] as (...a: unknown[]) => unknown).bind(base);
  promises["readFile"] = (path: string, ...rest: unknown[]) => {
    // isomorphic-git probes each fs it is handed (once per call) with an argument-less
    // readFile to see whether it returns a promise; answer that without a failing syscall.
    if (path === undefined) return Promise.resolve(null);
    if (LOOSE.test(path) && !loose.has(path.slice(-41).replace("/", ""))) return Promise.reject(NOT_LOOSE);
    return base.readFile(path, ...rest);
  };
  promises["readdir"] = (path: string, ...rest: unknown[]) => {
    if (path !== packDir) return base.readdir(path, ...rest);
    packs ??= base.readdir(path, ...rest);
    return packs;
  };
  promises["stat"] = (path: string, ...rest: unknown[]) => {
    if (path !== gitdir) return base.stat(path, ...rest);
    if (!stats.has(path)) stats.set(path, base.stat(path, ...rest));
    return stats.get(path)!;
  };
  return { promises: promises as Promises };
}

async function listLoose(base: Promises, gitdir: string): Promise<Set<string>> {
  const found = new Set<string>();
  const objects = join(gitdir, "objects");
  for (const fan of (await readdirOrEmpty(base, objects)).filter((d) => /^[0-9a-f]{2}$/.test(d))) {
    for (const rest of await readdirOrEmpty(base, join(objects, fan))) if (rest.length === 38) found.add(fan + rest);
  }
  return found;
}

async function readdirOrEmpty(base: Promises, dir: string): Promise<string[]> {
  try {
    return (await base.readdir(dir)) as string[];
  } catch (err) {
    if (isAbsent(err)) return [];
    throw err;
  }
}

// One shared error: isomorphic-git only checks that the read failed, and building a new
// Error (with its stack) for each of thousands of packed objects shows up in profiles.
const NOT_LOOSE = Object.assign(new Error("ENOENT: not a loose object"), { code: "ENOENT" });
