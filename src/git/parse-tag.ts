import type { AnnotatedTag, ObjectType } from "./engine.js";
import { isoDate } from "./iso-date.js";

/** Parses a raw tag object ("object …\ntype …\ntag …\ntagger …\n\nmessage"). */
export function parseTag(oid: string, raw: Buffer): AnnotatedTag | null {
  const split = raw.indexOf("\n\n");
  const head = raw.subarray(0, split === -1 ? raw.length : split).toString("utf8");
  const fields = new Map(head.split("\n").map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)] as const));
  const target = fields.get("object");
  if (!target) return null;
  const tagger = fields.get("tagger") ?? "";
  const m = /^(.*?) (\d+) ([+-]\d{4})$/.exec(tagger);
  return {
    oid,
    name: fields.get("tag") ?? "",
    target,
    // A tag object always records its target's type; an odd one is read as a commit,
    // which the walk then checks against the object itself.
    targetType: (["commit", "tree", "blob", "tag"].includes(fields.get("type") ?? "") ? fields.get("type") : "commit") as ObjectType,
    tagger: m ? m[1]! : tagger,
    date: m ? isoDate(Number(m[2]), m[3]!) : "",
    message: split === -1 ? Buffer.alloc(0) : raw.subarray(split + 2),
  };
}
