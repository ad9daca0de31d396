import type { BlobElement, CommitElement, FileChange, StreamElement, TagElement } from "./stream-element.js";
import type { ByteReader } from "./byte-reader.js";
import { createByteReader } from "./byte-reader.js";
import { unquotePath } from "./c-quote.js";
import { CorruptObjectError } from "../errors.js";

/**
 * The flags git-filter-repo gives fast-export, and why:
 * --show-original-ids   each blob/commit/tag carries its old id (the commit map is built from it)
 * --signed-tags=strip   a signature cannot survive a rewrite; strip rather than abort
 * --tag-of-filtered-object=rewrite, --fake-missing-tagger: tags stay importable
 * --reference-excluded-parents: never inline history that is not being rewritten
 * --use-done-feature    a stream cut short (Ctrl-C) makes fast-import fail instead of committing
 * --mark-tags           tags of tags can refer to each other by mark
 * --reencode=no         keep a commit's bytes (and id) when nothing in it changes
 */
export const FAST_EXPORT_ARGS = [
  "-c", "core.quotePath=false",
  "fast-export", "--show-original-ids", "--signed-tags=strip", "--tag-of-filtered-object=rewrite",
  "--fake-missing-tagger", "--reference-excluded-parents", "--use-done-feature", "--mark-tags", "--reencode=no",
] as const;

const latin1 = (b: Buffer) => b.toString("latin1");

function fail(what: string, line: Buffer | null): never {
  const shown = line === null ? "end of stream" : JSON.stringify(latin1(line.subarray(0, 60)));
  throw new CorruptObjectError(`cannot parse fast-export stream: ${what} (at ${shown})`);
}

/** Reads `prefix value` if the next line has that prefix; otherwise leaves the line. */
async function optional(r: ByteReader, prefix: string): Promise<string | null> {
  const line = await r.line();
  if (line === null) return null;
  const s = latin1(line);
  if (s.startsWith(prefix)) return s.slice(prefix.length);
  r.unread(line);
  return null;
}

async function data(r: ByteReader): Promise<Buffer> {
  const line = await r.line();
  const m = line && /^data (\d+)$/.exec(latin1(line));
  if (!m) fail("expected `data <count>`", line);
  return r.bytes(Number(m[1]));
}

const markOf = (s: string | null) => (s === null ? null : Number(s.slice(1)));

async function blob(r: ByteReader): Promise<BlobElement> {
  const mark = markOf(await optional(r, "mark "));
  if (mark === null) fail("blob without a mark", null);
  const originalOid = await optional(r, "original-oid ");
  const bytes = await data(r);
  await r.optionalLf();
  return { type: "blob", mark, originalOid, data: bytes };
}

function fileChange(s: string, line: Buffer): FileChange | null {
  if (s === "deleteall") return { type: "deleteall" };
  if (s.startsWith("D ")) return { type: "D", path: unquotePath(s.slice(2)) };
  if (s.startsWith("M ")) {
    const sp1 = s.indexOf(" ", 2);
    const sp2 = s.indexOf(" ", sp1 + 1);
    if (sp1 < 0 || sp2 < 0) fail("malformed filemodify", line);
    return { type: "M", mode: s.slice(2, sp1), dataref: s.slice(sp1 + 1, sp2), path: unquotePath(s.slice(sp2 + 1)) };
  }
  if (/^[CRN] /.test(s)) fail("copy, rename and note commands are not expected", line);
  return null;
}

async function commit(r: ByteReader, ref: string): Promise<CommitElement> {
  const mark = markOf(await optional(r, "mark "));
  const originalOid = await optional(r, "original-oid ");
  const author = await optional(r, "author ");
  const committer = await optional(r, "committer ");
  if (committer === null) fail("commit without a committer", null);
  const encoding = await optional(r, "encoding ");
  const message = await data(r);
  await r.optionalLf();
  const from = await optional(r, "from ");
  const merges: string[] = [];
  for (let m = await optional(r, "merge "); m !== null; m = await optional(r, "merge ")) merges.push(m);
  const changes: FileChange[] = [];
  for (;;) {
    const line = await r.line();
    if (line === null || line.length === 0) break;
    const change = fileChange(latin1(line), line);
    if (!change) {
      r.unread(line); // the blank line after a commit is optional too
      break;
    }
    changes.push(change);
  }
  return { type: "commit", ref, mark, originalOid, author, committer, encoding, message, from, merges, changes };
}

async function tag(r: ByteReader, name: string): Promise<TagElement> {
  const mark = markOf(await optional(r, "mark "));
  const from = await optional(r, "from ");
  if (from === null) fail("tag without `from`", null);
  const originalOid = await optional(r, "original-oid ");
  const tagger = await optional(r, "tagger ");
  const message = await data(r);
  await r.optionalLf();
  return { type: "tag", name, mark, from, originalOid, tagger, message };
}

/**
 * Parses a fast-export stream into elements. Strict on purpose (a rewrite must not guess):
 * any line it does not know aborts with CorruptObjectError before anything is imported.
 */
export async function* parseFastExport(source: AsyncIterable<Buffer>): AsyncGenerator<StreamElement> {
  const r = createByteReader(source);
  for (let line = await r.line(); line !== null; line = await r.line()) {
    const s = latin1(line);
    if (s === "") continue;
    if (s === "blob") yield await blob(r);
    else if (s.startsWith("commit ")) yield await commit(r, s.slice(7));
    else if (s.startsWith("reset ")) {
      const from = await optional(r, "from ");
      yield { type: "reset", ref: s.slice(6), from };
    } else if (s.startsWith("tag ")) yield await tag(r, s.slice(4));
    else if (s.startsWith("feature ")) yield { type: "feature", name: s.slice(8) };
    else if (s === "done") {
      yield { type: "done" };
      return;
    } else fail("unknown command", line);
  }
}
