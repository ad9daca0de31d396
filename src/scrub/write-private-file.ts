import { chmodSync, mkdirSync } from "node:fs";
import { writeFileAtomic } from "../util/write-file-atomic.js";

/**
 * Scrub's records and backups hold key material (the bundle) or point straight at it (the
 * commit map): owner-only, whatever the umask. mkdir/open modes are masked by the umask and
 * an existing folder keeps its mode, so both are set explicitly.
 */
export function makePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Owner-only and whole: a file from an earlier run is replaced, never kept with its old mode. */
export function writePrivateFile(path: string, data: string | Buffer): void {
  writeFileAtomic(path, data, 0o600);
}
