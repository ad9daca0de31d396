import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { ScrubRepo } from "./inspect-repo.js";
import { git } from "../git/run-git.js";
import { listTreeEntries } from "../git/trees.js";

const split0 = (b: Buffer) => b.toString("latin1").split("\0").filter(Boolean);
const onDisk = (repo: ScrubRepo, path: string) => Buffer.concat([Buffer.from(repo.dir + "/"), Buffer.from(path, "latin1")]);

/**
 * Brings a work tree to the rewritten HEAD. A clean tree is reset (so no file on disk
 * still holds a removed key), but files the rewrite stopped tracking (the `.env` an app
 * needs to run) are put back, untracked. A tree with local changes only gets its index
 * moved: nothing the user has not committed is touched.
 */
export async function syncWorktree(repo: ScrubRepo, clean: boolean): Promise<{ mode: "reset" | "index-only"; kept: string[] }> {
  const opts = { cwd: repo.dir, env: repo.env };
  if (!clean) {
    await git(["reset", "-q", "--mixed"], opts);
    return { mode: "index-only", kept: [] };
  }
  const tracked = split0(await git(["ls-files", "-z"], opts));
  const head = await git(["rev-parse", "--verify", "-q", "HEAD"], opts).catch(() => null);
  const stay = new Set(head ? (await listTreeEntries("HEAD", opts, { recursive: true, encoding: "latin1" })).map((e) => e.path) : []);
  const keep = tracked
    .filter((p) => !stay.has(p))
    .map((p) => ({ p, file: onDisk(repo, p) }))
    .filter(({ file }) => existsSync(file) && lstatSync(file).isFile())
    .map(({ p, file }) => ({ p, file, bytes: readFileSync(file), mode: lstatSync(file).mode }));
  await git(["reset", "-q", "--hard"], opts);
  for (const k of keep) {
    mkdirSync(k.file.subarray(0, k.file.lastIndexOf(0x2f)), { recursive: true }); // reset removed its emptied folder
    writeFileSync(k.file, k.bytes, { mode: k.mode });
  }
  return { mode: "reset", kept: keep.map((k) => Buffer.from(k.p, "latin1").toString("utf8")) };
}
