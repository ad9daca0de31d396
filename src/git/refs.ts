import type { GitOptions } from "./run-git.js";
import { gitText } from "./run-git.js";

// Refs as git's plumbing reports them, read one way for every stage (scan, hook, app
// mirror, scrub): one for-each-ref parser, one detached-HEAD question, one zero id.

/** The id of "no object": a created ref's old value, a deleted ref's new one (update-ref, hooks). */
export const ZERO_OID = "0".repeat(40);

const ZERO = /^(?:0{40}|0{64})$/;

/** git's zero id, SHA-1 (40 digits) or SHA-256 (64). */
export function isZeroOid(oid: string): boolean {
  return ZERO.test(oid);
}

/** Parses `for-each-ref --format=%(objectname) %(refname)`: ref -> oid (a refname holds no space). */
export function parseRefOids(out: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0 && sp < line.length - 1) refs.set(line.slice(sp + 1), line.slice(0, sp));
  }
  return refs;
}

/**
 * Every ref (ref -> oid, unpeeled, in git's order); `args` narrows it as for-each-ref does
 * (`refs/remotes/origin/`, `--contains <commit>`).
 */
export async function listRefOids(opts: GitOptions, args: readonly string[] = []): Promise<Map<string, string>> {
  return parseRefOids(await gitText(["for-each-ref", "--format=%(objectname) %(refname)", ...args], opts));
}

/** The commit HEAD points at when it is detached; null when it names a branch or nothing. */
export async function detachedHead(opts: GitOptions): Promise<string | null> {
  if ((await gitText(["symbolic-ref", "-q", "HEAD"], opts).catch(() => "")).trim()) return null;
  return (await gitText(["rev-parse", "--verify", "-q", "HEAD"], opts).catch(() => "")).trim() || null;
}

/** Every ref and, when HEAD is detached, "HEAD" too: what a rewrite must carry over. */
export async function listRefsAndHead(opts: GitOptions): Promise<Map<string, string>> {
  const refs = await listRefOids(opts);
  const head = await detachedHead(opts);
  if (head) refs.set("HEAD", head);
  return refs;
}
