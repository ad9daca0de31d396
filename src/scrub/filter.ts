import { isUtf8 } from "node:buffer";
import picomatch from "picomatch";
import type { BlobElement, CommitElement, FileChange, StreamElement, TagElement } from "../git/stream-element.js";
import type { ScrubPlan } from "./plan.js";
import { isDotenvPath, isDotenvTemplate } from "../detectors/index.js";
import { fingerprint } from "../findings/fingerprint.js";
import { redact } from "../findings/redact.js";
import { isStripeKey } from "../vocabulary/index.js";
import { isBinary, lfsPointerOid, removeKeys } from "./remove-keys.js";
import { findArchiveKeys } from "./find-archive-keys.js";

/** What the filter removed or could not remove; redacted values and fingerprints only. */
export interface FilterReport {
  blobsSeen: number;
  blobsChanged: number;
  commitsSeen: number;
  /** Commits whose content, message or ancestry changes (their ids will change): one new commit each. */
  commitsChanged: number;
  /** Of those, the commits whose own change or message held something to remove (the rest only descend from one). */
  commitsHolding: number;
  /** Marks of those commits (for the commit map's cause column). */
  holdingMarks: Set<number>;
  messagesRedacted: number;
  /** rule: set for a key that is not Stripe's (another provider's live secret), whose rotation differs. */
  keys: Array<{ redacted: string; fingerprint: string; blobs: number; messages: number; rule?: string }>;
  /** Paths removed from history (utf8 for display) with the number of commits touched. */
  deletedPaths: Array<{ path: string; commits: number; dotenv: boolean }>;
  /** Files whose content changed (a key replaced). */
  editedPaths: string[];
  /** Binary files holding a key: left as they are unless --delete-binary-with-keys. */
  binaryWithKeys: Array<{ path: string; blob: string; deleted: boolean }>;
  /** LFS objects that only removed files pointed to: the LFS server still holds them. */
  orphanedLfs: string[];
  /** Refs whose tip changes (what a dry run promises; the real run reads the refs back). */
  changedRefs: string[];
  /** Commit mark -> original id, for the commit map. */
  commitMarks: Map<number, string>;
  /** Original ids of changed commits whose parents did not change: where the rewrite begins. */
  firstChanged: string[];
}

/** A path for people: UTF-8 when it is, else git's octal escapes (`caf\351.txt`), never U+FFFD. */
export function display(latin1Path: string): string {
  const bytes = Buffer.from(latin1Path, "latin1");
  if (isUtf8(bytes)) return bytes.toString("utf8");
  return latin1Path.replace(/[\x80-\xff]/g, (c) => "\\" + c.charCodeAt(0).toString(8));
}

interface KeyTally { redacted: string; fingerprint: string; blobs: number; messages: number; rule?: string }

/**
 * The pure middle of `fast-export | filter | fast-import`. Each blob arrives once (it
 * has one mark) and is transformed once; commits then refer to it by mark. Dotenv paths
 * and requested globs leave every commit; keys in text blobs and messages become
 * `***REMOVED***`; gitlinks and LFS pointers pass through as they are.
 */
export function createScrubFilter(plan: ScrubPlan) {
  const globs = plan.deletePaths.length ? picomatch([...plan.deletePaths], { dot: true }) : () => false;
  const changedMarks = new Set<number>();
  const binaryKeyBlobs = new Map<number, string>(); // mark -> original id
  const lfsOf = new Map<number, string>();
  const existing = new Map<number, string>(); // mark of an unchanged blob, commit or tag -> its id
  const keptLfs = new Set<string>();
  const removedLfs = new Set<string>();
  const keys = new Map<string, KeyTally>();
  const deleted = new Map<string, { commits: number; dotenv: boolean }>();
  const edited = new Set<string>();
  const binaryHits = new Map<string, { path: string; blob: string; deleted: boolean }>();
  const refTips = new Map<string, string>();
  const commitMarks = new Map<number, string>();
  const firstChanged: string[] = [];
  const holdingMarks = new Set<number>();
  const r: Omit<FilterReport, "keys" | "deletedPaths" | "editedPaths" | "binaryWithKeys" | "orphanedLfs" | "changedRefs" | "commitMarks" | "firstChanged" | "holdingMarks"> = {
    blobsSeen: 0, blobsChanged: 0, commitsSeen: 0, commitsChanged: 0, commitsHolding: 0, messagesRedacted: 0,
  };

  const tally = ({ secrets, rules }: { secrets: string[]; rules: Map<string, string> }, field: "blobs" | "messages") => {
    for (const s of secrets) {
      const fp = fingerprint(s);
      const rule = rules.get(s);
      const t = keys.get(fp) ?? { redacted: redact(s), fingerprint: fp, blobs: 0, messages: 0, ...(rule && !isStripeKey(rule) ? { rule } : {}) };
      t[field]++;
      keys.set(fp, t);
    }
  };

  const isChanged = (ref: string | null) => ref !== null && ref.startsWith(":") && changedMarks.has(Number(ref.slice(1)));
  /** A mark of something not sent to fast-import becomes its id, which the repository already has. */
  const resolve = (ref: string) => (ref.startsWith(":") ? existing.get(Number(ref.slice(1))) ?? ref : ref);

  function dropReason(path: string, dataref: string | null): "dotenv" | "glob" | "binary" | null {
    if (isDotenvPath(path) && (!isDotenvTemplate(path) || plan.templatePaths.has(display(path)))) return "dotenv";
    if (globs(display(path))) return "glob";
    if (dataref && plan.deleteBinaryWithKeys && binaryKeyBlobs.has(Number(dataref.slice(1)))) return "binary";
    return null;
  }

  /**
   * An unchanged blob already exists in the repository: it is not sent to fast-import at
   * all, and commits name it by its id instead of its mark. fast-import then hashes only
   * what changed (git-filter-repo sends every blob again).
   */
  function unchanged(el: BlobElement): BlobElement | null {
    if (!el.originalOid) return el;
    existing.set(el.mark, el.originalOid);
    return null;
  }

  async function blob(el: BlobElement): Promise<BlobElement | null> {
    r.blobsSeen++;
    const lfs = lfsPointerOid(el.data);
    if (lfs) {
      lfsOf.set(el.mark, lfs);
      return unchanged(el);
    }
    if (isBinary(el.data)) {
      // A key inside a binary cannot be cut out without corrupting the file: report it.
      // An archive's deflated members hide theirs from the raw bytes: they are opened.
      if (removeKeys(el.data, plan.includeTestKeys) || (await findArchiveKeys(el.data, plan.includeTestKeys)).keys.size) {
        binaryKeyBlobs.set(el.mark, el.originalOid ?? `:${el.mark}`);
      }
      return unchanged(el);
    }
    const out = removeKeys(el.data, plan.includeTestKeys);
    if (!out) return unchanged(el);
    r.blobsChanged++;
    changedMarks.add(el.mark);
    tally(out, "blobs");
    return { ...el, data: out.bytes };
  }

  function message(msg: Buffer): Buffer | null {
    const out = removeKeys(msg, plan.includeTestKeys);
    if (!out) return null;
    r.messagesRedacted++;
    tally(out, "messages");
    return out.bytes;
  }

  /**
   * A commit that neither changes nor descends from a changed one is not sent to
   * fast-import: it keeps its id and its signature (fast-import cannot write a signature,
   * git 2.39's fast-export cannot even export one), and a changed child names it by id.
   * So a rewrite makes exactly one new commit per commit it retires, and a rewritten side
   * branch still shares its (signed) history with the branches it forked from.
   */
  function commit(el: CommitElement): CommitElement | null {
    r.commitsSeen++;
    const parentChanged = isChanged(el.from) || el.merges.some(isChanged);
    let holds = false;
    const changes: FileChange[] = [];
    for (const c of el.changes) {
      if (c.type === "deleteall") {
        changes.push(c);
        continue;
      }
      const dataref = c.type === "M" ? c.dataref : null;
      const reason = dropReason(c.path, dataref);
      const lfs = dataref?.startsWith(":") ? lfsOf.get(Number(dataref.slice(1))) : undefined;
      if (reason) {
        holds = true;
        const d = deleted.get(c.path) ?? { commits: 0, dotenv: reason === "dotenv" };
        d.commits++;
        deleted.set(c.path, d);
        if (lfs) removedLfs.add(lfs);
      } else {
        const oid = dataref?.startsWith(":") ? existing.get(Number(dataref.slice(1))) : undefined;
        changes.push(oid && c.type === "M" ? { ...c, dataref: oid } : c);
        if (lfs) keptLfs.add(lfs);
        if (dataref && isChanged(dataref)) {
          holds = true;
          edited.add(display(c.path));
        }
      }
      if (dataref?.startsWith(":") && binaryKeyBlobs.has(Number(dataref.slice(1)))) {
        const blobId = binaryKeyBlobs.get(Number(dataref.slice(1)))!;
        binaryHits.set(`${c.path}\0${blobId}`, { path: display(c.path), blob: blobId, deleted: reason !== null });
      }
    }
    const msg = message(el.message);
    if (msg) holds = true;
    const changed = holds || parentChanged;
    refTips.set(el.ref, el.mark === null ? "" : `:${el.mark}`);
    if (el.mark !== null && el.originalOid) commitMarks.set(el.mark, el.originalOid);
    if (!changed && el.mark !== null && el.originalOid) {
      existing.set(el.mark, el.originalOid);
      return null;
    }
    if (el.mark !== null && changed) changedMarks.add(el.mark);
    if (changed) r.commitsChanged++;
    if (holds) {
      r.commitsHolding++;
      if (el.mark !== null) holdingMarks.add(el.mark);
    }
    if (changed && !parentChanged && el.originalOid) firstChanged.push(el.originalOid);
    return { ...el, from: el.from === null ? null : resolve(el.from), merges: el.merges.map(resolve), changes, message: msg ?? el.message };
  }

  /** Like a commit: a tag whose message and target stay as they are keeps its id (and signature). */
  function tag(el: TagElement): TagElement | null {
    const msg = message(el.message);
    const changed = msg !== null || isChanged(el.from);
    refTips.set(`refs/tags/${el.name}`, el.mark === null ? el.from : `:${el.mark}`);
    if (!changed && el.mark !== null && el.originalOid) {
      existing.set(el.mark, el.originalOid);
      return null;
    }
    if (el.mark !== null && changed) changedMarks.add(el.mark);
    return { ...el, from: resolve(el.from), message: msg ?? el.message };
  }

  return {
    /** The element to import instead, or null when fast-import does not need it (async: an archive is opened). */
    async filter(el: StreamElement): Promise<StreamElement | null> {
      switch (el.type) {
        case "blob":
          return blob(el);
        case "commit":
          return commit(el);
        case "tag":
          return tag(el);
        case "reset":
          if (el.from !== null) refTips.set(el.ref, el.from);
          return el.from === null ? el : { ...el, from: resolve(el.from) };
        default:
          return el;
      }
    },
    report(): FilterReport {
      return {
        ...r,
        keys: [...keys.values()],
        deletedPaths: [...deleted].map(([p, d]) => ({ path: display(p), ...d })),
        editedPaths: [...edited].sort(),
        binaryWithKeys: [...binaryHits.values()],
        orphanedLfs: [...removedLfs].filter((o) => !keptLfs.has(o)).sort(),
        changedRefs: [...refTips].filter(([, tip]) => isChanged(tip)).map(([ref]) => ref).sort(),
        commitMarks,
        firstChanged,
        holdingMarks,
      };
    },
  };
}

export type ScrubFilter = ReturnType<typeof createScrubFilter>;
