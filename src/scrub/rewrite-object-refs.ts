import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";
import type { ScrubRepo } from "./inspect-repo.js";
import type { ScrubPlan } from "./plan.js";
import { isDotenvPath, isDotenvTemplate } from "../detectors/index.js";
import { git, gitText } from "../git/run-git.js";
import { ZERO_OID } from "../git/refs.js";
import { listTreeEntries } from "../git/trees.js";
import { display } from "./filter.js";
import { artifactsDir } from "./write-artifacts.js";
import { isBinary, lfsPointerOid, removeKeys } from "./remove-keys.js";
import { findArchiveKeys } from "./find-archive-keys.js";

/** A ref that holds a blob or a tree directly, or through (a chain of) annotated tags. */
export interface ObjectRef {
  ref: string;
  /** What the chain of tags ends at. */
  type: "blob" | "tree";
  /** cleaned: the ref moves to a cleaned copy; deleted: --delete-binary-with-keys; kept: a binary holding a key (reported). */
  action: "cleaned" | "deleted" | "kept" | "unchanged";
}

export interface ObjectRefOutcome {
  refs: ObjectRef[];
  /** ref -> new id (ZERO_OID deletes it). Empty on a dry run. */
  moves: Map<string, string>;
  /** Keys removed (raw only in memory: the caller tallies them as fingerprints). */
  secrets: string[];
  /** Paths dropped from trees held by refs, for display. */
  deletedPaths: string[];
  /** The refs that end at a commit: what fast-export is given (instead of --all). */
  commitRefs: string[];
  /** Distinct blobs whose keys were removed. */
  blobsChanged: Set<string>;
}

type Opts = { cwd: string; env: NodeJS.ProcessEnv };
type Cleaned = { id: string | null; changed: boolean; keptBinary: boolean; deleteRef: boolean };

const SIGNATURE = /\n-----BEGIN (?:PGP|SSH) SIGNATURE-----\n[\s\S]*$/;

/**
 * fast-export skips a ref to a blob or a tree (and a tag of a tree): such a ref keeps its
 * key while the rest of the history is cleaned. `git push origin <blob>:refs/tags/x` makes
 * one. Each is handled here: the blob or tree is cleaned the way the stream filter cleans
 * files (a tree loses its dotenv paths and globbed paths, its blobs lose their keys), the
 * tags in between are re-made around it (message cleaned, signature dropped), and the ref
 * moves with the others in the same transaction. A binary holding a key cannot be cleaned:
 * the ref is deleted with --delete-binary-with-keys, otherwise kept and reported.
 */
export async function rewriteObjectRefs(repo: ScrubRepo, plan: ScrubPlan, write: boolean): Promise<ObjectRefOutcome> {
  const opts: Opts = { cwd: repo.dir, env: repo.env };
  const out: ObjectRefOutcome = { refs: [], moves: new Map(), secrets: [], deletedPaths: [], commitRefs: [], blobsChanged: new Set() };
  const listed = (await gitText(["for-each-ref", "--format=%(objecttype) %(objectname) %(refname)"], opts)).split("\n").filter(Boolean);
  const all = listed.map((l) => l.split(" ") as [string, string, string]);
  for (const [type, , ref] of all) if (type === "commit") out.commitRefs.push(ref);
  const rows = all.filter(([type]) => type !== "commit");
  if (rows.length === 0) return out;
  // `oid^{}` peels a chain of tags to what it ends at.
  const peeled = (await gitText(["cat-file", "--batch-check=%(objecttype)"], { ...opts, input: rows.map(([, oid]) => `${oid}^{}\n`).join("") })).split("\n");
  for (const [i, [, , ref]] of rows.entries()) if (peeled[i] === "commit") out.commitRefs.push(ref);
  const globs = plan.deletePaths.length ? picomatch([...plan.deletePaths], { dot: true }) : () => false;
  const memo = new Map<string, Promise<Cleaned>>();
  // A scratch index per tree, inside the records folder (a killed run's leftovers are found there).
  const scratch = write ? mkdtempSync(join(artifactsDir(repo), "tmp-")) : null;
  try {
    for (const [i, [, oid, ref]] of rows.entries()) {
      const type = peeled[i];
      if (type !== "blob" && type !== "tree") continue;
      const chain = await tagChain(oid, opts);
      const base = chain.length ? chain[chain.length - 1]!.object : oid;
      let cleaned = memo.get(base);
      if (!cleaned) {
        cleaned = type === "blob" ? cleanBlob(base, plan, write, opts, out) : cleanTree(base, plan, globs, write, { ...opts, env: scratch ? { ...opts.env, GIT_INDEX_FILE: join(scratch, `index-${memo.size}`) } : opts.env }, out);
        memo.set(base, cleaned);
      }
      const c = await cleaned;
      if (c.deleteRef) {
        out.refs.push({ ref, type, action: "deleted" });
        if (write) out.moves.set(ref, ZERO_OID);
        continue;
      }
      // Re-make the tags from the innermost out, each around the new id of what it tags.
      let id = c.id;
      let changed = c.changed;
      for (const tag of [...chain].reverse()) {
        const raw = (await git(["cat-file", "tag", tag.oid], opts)).toString("latin1");
        const unsigned = raw.replace(SIGNATURE, "\n");
        const body = removeKeys(Buffer.from(unsigned, "latin1"), plan.includeTestKeys);
        if (body) out.secrets.push(...body.secrets);
        const text = (body ? body.bytes.toString("latin1") : unsigned).replace(/^object [0-9a-f]+\n/, `object ${id ?? tag.object}\n`);
        if (!changed && !body && unsigned === raw) {
          id = tag.oid;
          continue;
        }
        changed = true;
        id = write ? (await gitText(["hash-object", "-t", "tag", "-w", "--stdin"], { ...opts, input: Buffer.from(text, "latin1") })).trim() : null;
      }
      out.refs.push({ ref, type, action: changed ? "cleaned" : c.keptBinary ? "kept" : "unchanged" });
      if (changed && write && id) out.moves.set(ref, id);
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}

async function tagChain(oid: string, opts: Opts): Promise<Array<{ oid: string; object: string }>> {
  const chain: Array<{ oid: string; object: string }> = [];
  for (let at = oid; (await gitText(["cat-file", "-t", at], opts)).trim() === "tag"; ) {
    const object = /^object ([0-9a-f]+)$/m.exec(await gitText(["cat-file", "tag", at], opts))![1]!;
    chain.push({ oid: at, object });
    at = object;
  }
  return chain;
}

/** A text blob loses its keys; a binary with a key is kept (or its ref deleted); an LFS pointer passes. */
async function cleanBlob(oid: string, plan: ScrubPlan, write: boolean, opts: Opts, out: ObjectRefOutcome): Promise<Cleaned> {
  const bytes = await git(["cat-file", "blob", oid], opts);
  if (lfsPointerOid(bytes)) return { id: oid, changed: false, keptBinary: false, deleteRef: false };
  const removed = removeKeys(bytes, plan.includeTestKeys);
  if (!removed) {
    // An archive whose deflated members hold a key is a binary holding a key like any other.
    if (!(await findArchiveKeys(bytes, plan.includeTestKeys)).keys.size) return { id: oid, changed: false, keptBinary: false, deleteRef: false };
    return { id: oid, changed: false, keptBinary: !plan.deleteBinaryWithKeys, deleteRef: plan.deleteBinaryWithKeys };
  }
  if (isBinary(bytes)) return { id: oid, changed: false, keptBinary: !plan.deleteBinaryWithKeys, deleteRef: plan.deleteBinaryWithKeys };
  if (!out.blobsChanged.has(oid)) out.secrets.push(...removed.secrets);
  out.blobsChanged.add(oid);
  const id = write ? (await gitText(["hash-object", "-w", "--stdin"], { ...opts, input: removed.bytes })).trim() : null;
  return { id, changed: true, keptBinary: false, deleteRef: false };
}

/** The tree rebuilt through a scratch index: the same removals the stream filter makes, by full path. */
async function cleanTree(oid: string, plan: ScrubPlan, globs: (p: string) => boolean, write: boolean, opts: Opts, out: ObjectRefOutcome): Promise<Cleaned> {
  const entries = await listTreeEntries(oid, opts, { recursive: true, encoding: "latin1" });
  const rows: string[] = [];
  let changed = false;
  let keptBinary = false;
  for (const { mode, type, oid: blob, path } of entries) {
    const shown = display(path);
    const dotenv = isDotenvPath(path) && (!isDotenvTemplate(path) || plan.templatePaths.has(shown));
    if (type === "blob" && (dotenv || globs(shown))) {
      changed = true;
      out.deletedPaths.push(shown);
      continue;
    }
    let id = blob;
    if (type === "blob") {
      const c = await cleanBlob(blob, plan, write, opts, out);
      if (c.deleteRef) {
        changed = true; // --delete-binary-with-keys: the binary leaves the tree
        out.deletedPaths.push(shown);
        continue;
      }
      keptBinary ||= c.keptBinary;
      if (c.changed) {
        changed = true;
        id = c.id ?? blob;
      }
    }
    rows.push(`${mode} ${id}\t${path}`);
  }
  if (!changed || !write) return { id: changed ? null : oid, changed, keptBinary, deleteRef: false };
  await git(["update-index", "-z", "--index-info"], { ...opts, input: Buffer.from(rows.map((r) => r + "\0").join(""), "latin1") });
  const id = (await gitText(["write-tree"], opts)).trim();
  return { id, changed, keptBinary, deleteRef: false };
}
