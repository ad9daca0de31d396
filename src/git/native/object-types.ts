import type { ObjectType } from "../engine.js";
import type { GitOptions } from "../run-git.js";
import { gitText } from "../run-git.js";

const TYPES = new Set(["commit", "tree", "blob", "tag"]);

/** The type of each object, or "missing": one `cat-file --batch-check` for all (a mirror push may name thousands). */
export async function objectTypes(oids: readonly string[], opts: GitOptions): Promise<Map<string, ObjectType | "missing">> {
  const types = new Map<string, ObjectType | "missing">();
  const named = [...new Set(oids)];
  if (named.length === 0) return types;
  // One answer line per question, in order: keyed by what was asked (an id or a name).
  const out = await gitText(["cat-file", "--batch-check=%(objecttype)"], { ...opts, input: named.join("\n") + "\n" });
  const lines = out.split("\n");
  named.forEach((name, i) => {
    const type = lines[i] ?? "";
    types.set(name, TYPES.has(type) ? (type as ObjectType) : "missing");
  });
  return types;
}
