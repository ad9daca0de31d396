import type { GitOptions } from "../run-git.js";
import { gitText } from "../run-git.js";
import { objectTypes } from "./object-types.js";

/**
 * Blobs in the pre-receive quarantine that the repository does not already hold: every
 * blob the push carries, reachable or not. Objects git copied in to complete a thin pack
 * are already on the server and are left out (a force-push that drops a leak would
 * otherwise be blamed for the old blob it was delta-compressed against).
 */
export async function quarantineBlobs(opts: GitOptions): Promise<string[] | null> {
  const env = opts.env ?? process.env;
  const quarantine = env["GIT_QUARANTINE_PATH"];
  if (!quarantine) return null;
  const only: NodeJS.ProcessEnv = { ...env, GIT_OBJECT_DIRECTORY: quarantine };
  delete only["GIT_ALTERNATE_OBJECT_DIRECTORIES"];
  const listed = await gitText(["cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectname)"], { ...opts, env: only });
  const blobs = listed.split("\n").filter((l) => l.startsWith("blob ")).map((l) => l.slice(5));
  if (blobs.length === 0) return [];
  const main = { ...env };
  for (const k of ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"]) delete main[k];
  const known = await objectTypes(blobs, { ...opts, env: main });
  return blobs.filter((b) => known.get(b) !== "blob");
}
