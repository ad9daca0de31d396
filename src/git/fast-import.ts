import type { FileChange, StreamElement } from "./stream-element.js";
import { quotePath } from "./c-quote.js";

/**
 * Flags for the importing side, as git-filter-repo uses them: --force (refs move backwards),
 * raw-permissive dates (keep odd timezones verbatim), ignorecase off (paths differing only
 * in case stay distinct). Marks are exported so that old ids can be paired with new ones.
 */
export function fastImportArgs(marksFile: string): string[] {
  return ["-c", "core.ignorecase=false", "fast-import", "--force", "--quiet", "--date-format=raw-permissive", `--export-marks=${marksFile}`];
}

const text = (s: string) => Buffer.from(s, "latin1");

function change(c: FileChange): string {
  if (c.type === "deleteall") return "deleteall\n";
  if (c.type === "D") return `D ${quotePath(c.path)}\n`;
  return `M ${c.mode} ${c.dataref} ${quotePath(c.path)}\n`;
}

/**
 * Serializes one element in the layout fast-export itself writes (filter-repo's dump()),
 * so that an untouched stream round-trips byte for byte.
 */
export function serializeElement(el: StreamElement): Buffer[] {
  switch (el.type) {
    case "feature":
      return [text(`feature ${el.name}\n`)];
    case "done":
      return [text("done\n")];
    case "blob": {
      const head = `blob\nmark :${el.mark}\n${el.originalOid ? `original-oid ${el.originalOid}\n` : ""}data ${el.data.length}\n`;
      return [text(head), el.data, text("\n")];
    }
    case "reset":
      return [text(`reset ${el.ref}\n${el.from ? `from ${el.from}\n\n` : ""}`)];
    case "commit": {
      let head = `commit ${el.ref}\n`;
      if (el.mark !== null) head += `mark :${el.mark}\n`;
      if (el.originalOid) head += `original-oid ${el.originalOid}\n`;
      if (el.author !== null) head += `author ${el.author}\n`;
      head += `committer ${el.committer}\n`;
      if (el.encoding !== null) head += `encoding ${el.encoding}\n`;
      head += `data ${el.message.length}\n`;
      let tail = el.from ? `from ${el.from}\n` : "";
      for (const m of el.merges) tail += `merge ${m}\n`;
      for (const c of el.changes) tail += change(c);
      return [text(head), el.message, text(tail + "\n")];
    }
    case "tag": {
      let head = `tag ${el.name}\n`;
      if (el.mark !== null) head += `mark :${el.mark}\n`;
      head += `from ${el.from}\n`;
      if (el.originalOid) head += `original-oid ${el.originalOid}\n`;
      if (el.tagger !== null) head += `tagger ${el.tagger}\n`;
      return [text(`${head}data ${el.message.length}\n`), el.message, text("\n")];
    }
  }
}
