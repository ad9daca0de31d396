import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../../errors.js";
import { listRefOids } from "../../git/refs.js";
import { git } from "../../git/run-git.js";
import { childEnv } from "../child-env.js";
import { tokenEnv } from "./token-env.js";

// One bare mirror per repository under the data dir, updated by fetch. The token travels
// in the environment of that one git process (see token-env.ts), never in argv or a file.
// Mirrors of private repositories are private on disk too: every directory on the way is
// 0700 and git keeps the files 0600 (core.sharedRepository), whatever the umask (issue 9, item 3).

export interface MirrorSync {
  dir: string;
  /** ref -> oid as the mirror had them before this fetch (empty on first sight). */
  refsBefore: Map<string, string>;
  refsAfter: Map<string, string>;
  created: boolean;
}

const SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;

export function mirrorDir(dataDir: string, fullName: string): string {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length || !SEGMENT.test(owner) || !SEGMENT.test(name))
    throw new UsageError(`not a repository name: ${JSON.stringify(fullName)}`);
  return join(dataDir, "mirrors", owner, `${name}.git`);
}

export async function syncMirror(opts: { dataDir: string; fullName: string; cloneUrl: string; token: string }): Promise<MirrorSync> {
  const env = { ...childEnv(), ...tokenEnv(opts.token, opts.cloneUrl) };
  const dir = mirrorDir(opts.dataDir, opts.fullName);
  const created = !existsSync(join(dir, "HEAD"));
  for (const d of [dirname(dirname(dir)), dirname(dir), dir]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(d, 0o700); // mkdir's mode is cut by the umask, and an older mirror may be 0755
  }
  if (created) await git(["init", "--quiet", "--bare", "--shared=0600", dir], { cwd: opts.dataDir, env: childEnv() });
  const refsBefore = created ? new Map<string, string>() : await listRefOids({ cwd: dir, env: childEnv() });
  // Mirrors made before core.sharedRepository was set: git tightens what it writes from now on.
  if (!created) await git(["config", "core.sharedRepository", "0600"], { cwd: dir, env: childEnv() });
  await git(
    [
      "-c", "credential.helper=",
      "-c", "http.lowSpeedLimit=1000",
      "-c", "http.lowSpeedTime=60",
      "fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head", "--", opts.cloneUrl,
      "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*",
    ],
    { cwd: dir, env },
  );
  return { dir, refsBefore, refsAfter: await listRefOids({ cwd: dir, env: childEnv() }), created };
}
