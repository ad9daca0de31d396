import type { AnnotatedTag, Selection } from "../engine.js";
import type { Repo } from "./repo.js";
import { readRaw } from "./repo.js";
import { listRefs } from "./list-refs.js";
import { resolveObject } from "./resolve-rev.js";
import { parseTag } from "../parse-tag.js";

/**
 * Annotated tags, with the native engine's semantics: for the whole history every tag
 * object any ref points at (in ref-name order); for a push or range only the tag objects
 * the selection names (a pushed tag arrives as its tag object id); then, round by round,
 * the tags those tags point at, every tag once.
 */
export async function* listTags(repo: Repo, sel: Selection): AsyncGenerator<AnnotatedTag> {
  let oids: string[] = [];
  if (sel.all) {
    for (const ref of await listRefs(repo)) oids.push(ref.oid);
  } else {
    for (const rev of new Set(sel.include ?? [])) {
      const oid = await resolveObject(repo, rev);
      if (oid) oids.push(oid);
    }
  }
  const seen = new Set<string>();
  while (oids.length) {
    const next: string[] = [];
    for (const oid of new Set(oids)) {
      if (seen.has(oid)) continue;
      seen.add(oid);
      const obj = await readRaw(repo, oid);
      if (obj?.type !== "tag") continue;
      const tag = parseTag(oid, obj.bytes);
      if (!tag) continue;
      yield tag;
      if (tag.targetType === "tag") next.push(tag.target);
    }
    oids = next;
  }
}
