import type { ObjectType, RefTarget } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { gitText } from "../run-git.js";

const TYPES = new Set(["commit", "tree", "blob", "tag"]);

/** Every ref under refs/ and the type of what it points at, unpeeled (one for-each-ref). */
export async function listRefTargets(opts: GitOptions): Promise<RefTarget[]> {
  const out = await gitText(["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)"], opts);
  const refs: RefTarget[] = [];
  for (const line of out.split("\n")) {
    const [oid, type, ...name] = line.split(" ");
    if (oid && type && TYPES.has(type)) refs.push({ name: name.join(" "), oid, type: type as ObjectType });
  }
  return refs;
}
