import { chmodSync, mkdirSync, writeFileSync } from "node:fs";

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

export function writePrivateFile(path: string, data: string | Buffer): void {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600); // a file from an earlier run keeps its old mode otherwise
}
