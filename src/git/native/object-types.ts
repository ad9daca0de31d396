import type { ObjectType } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { gitText } from "../run-git.js";

const TYPES = new Set(["commit", "tree", "blob", "tag"]);

/** The type of each object, or "missing": one `cat-file --batch-check` for all (a mirror push may name thousands). */
export async function objectTypes(oids: readonly string[], opts: GitOptions): Promise<Map<string, ObjectType | "missing">> {
  const types = new Map<string, ObjectType | "missing">();
  const named = [...new Set(oids)];
  if (named.length === 0) return types;
  const out = await gitText(["cat-file", "--batch-check=%(objectname) %(objecttype)"], { ...opts, input: named.join("\n") + "\n" });
  for (const line of out.split("\n")) {
    const [oid, type] = line.split(" ");
    if (oid && type) types.set(oid, TYPES.has(type) ? (type as ObjectType) : "missing");
  }
  return types;
}
