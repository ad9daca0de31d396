import type { AnnotatedTag, Selection } from "../engine.js";
import type { Repo } from "./repo.js";
import { readRaw } from "./repo.js";
import { listRefs } from "./list-refs.js";
import { resolveObject } from "./resolve-rev.js";
import { parseTag } from "../parse-tag.js";

/**
 * Annotated tags, with the native engine's semantics: for the whole history every tag
 * object under refs/tags (in ref-name order); for a push or range only the tag objects
 * the selection names (a pushed tag arrives as its tag object id).
 */
export async function* listTags(repo: Repo, sel: Selection): AsyncGenerator<AnnotatedTag> {
  const oids: string[] = [];
  if (sel.all) {
    for (const ref of await listRefs(repo)) if (ref.name.startsWith("refs/tags/")) oids.push(ref.oid);
  } else {
    for (const rev of new Set(sel.include ?? [])) {
      const oid = await resolveObject(repo, rev);
      if (oid) oids.push(oid);
    }
  }
  for (const oid of oids) {
    const obj = await readRaw(repo, oid);
    if (obj?.type !== "tag") continue;
    const tag = parseTag(oid, obj.bytes);
    if (tag) yield tag;
  }
}
