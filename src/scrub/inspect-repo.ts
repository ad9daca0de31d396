import { existsSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { gitText } from "../git/run-git.js";
import { withHeapTunables } from "./heap-tunables.js";

export interface ScrubRepo {
  /** Where git commands run: the work tree, or the bare repository itself. */
  dir: string;
  gitDir: string;
  objectsDir: string;
  bare: boolean;
  env: NodeJS.ProcessEnv;
  /** The folder the backup bundle goes into, and the name it starts with. */
  besideDir: string;
  name: string;
  /** `git clone --mirror`: every push is a mirror push, and refspecs are refused. */
  mirror: boolean;
}

/** Resolves REPO to a repository or fails with a one-line UsageError. */
export async function inspectRepo(path: string, env: NodeJS.ProcessEnv): Promise<ScrubRepo> {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`no such directory: ${path}`);
  // Replace refs must not change what is read or rewritten: fast-export would otherwise
  // export a decoy's content under the leaking commit's name and leave the leak in place.
  env = { ...env, GIT_NO_REPLACE_OBJECTS: "1" };
  const opts = { cwd: dir, env };
  const out = await gitText(["rev-parse", "--is-bare-repository", "--absolute-git-dir", "--is-shallow-repository", "--git-path", "objects"], opts).catch(() => {
    throw new UsageError(`not a git repository: ${path}`);
  });
  const [bareFlag, gitDir, shallow, objects] = out.trim().split("\n") as [string, string, string, string];
  if (shallow === "true") throw new UsageError("this is a shallow clone: rewriting it would cut history; run `git fetch --unshallow` first");
  const bare = bareFlag === "true";
  const top = bare ? gitDir : (await gitText(["rev-parse", "--show-toplevel"], opts)).trim();
  // A partial clone lacks objects by design: scrub could neither read nor rewrite them,
  // and a re-scan of what is there would call the history clean without having looked.
  if ((await gitText(["config", "--get-regexp", "^(extensions\\.partialclone|remote\\..*\\.promisor)$"], opts).catch(() => "")).trim()) {
    throw new UsageError("this is a partial clone (--filter): its missing objects cannot be scrubbed; make a full clone (git clone --no-local) first");
  }
  const mirror = (await gitText(["config", "--bool", "remote.origin.mirror"], opts).catch(() => "")).trim() === "true";
  // Every git this scrub starts gets the heap settings (see heap-tunables.ts).
  return { dir: top, gitDir, objectsDir: resolve(dir, objects), bare, env: withHeapTunables(env), besideDir: dirname(top), name: basename(top), mirror };
}
