import type { BlobContent, UnreadObject } from "../engine.js";
import type { Repo } from "./repo.js";
import { readExisting, readRaw } from "./repo.js";
import { parseCommit } from "./parse-commit.js";
import { isTree, parseTree, GITLINK_MODE } from "./parse-tree.js";
import { listHeads, listRefs } from "./list-refs.js";
import { CorruptRepositoryError } from "../../errors.js";

/**
 * Reads the objects named, in the order given (like `git cat-file --batch`, any object
 * type). Missing ones are reported together at the end, as the native engine does; when
 * `lenient` (a scan's filtered read) each is handed on as unread instead.
 */
export async function* readBlobs(repo: Repo, oids: AsyncIterable<string> | Iterable<string>, lenient = false): AsyncGenerator<BlobContent | UnreadObject> {
  const missing: string[] = [];
  for await (const oid of oids) {
    const obj = await readRaw(repo, oid);
    if (obj) yield { oid, bytes: obj.bytes };
    else if (lenient) yield { oid, bytes: null, size: 0, unread: "missing" };
    else missing.push(oid);
  }
  if (missing.length) throw new CorruptRepositoryError(`object ${missing[0]} is missing: the repository is corrupt or incomplete`);
}

/**
 * Every blob reachable from any ref or HEAD, each once (less those in `skip`).
 * isomorphic-git has no way to list a pack's objects by type, so this walks commits and
 * each unique tree once, reading a blob as soon as it is found.
 */
export async function* readAllBlobs(repo: Repo, skip: ReadonlySet<string> = new Set(), lenient = false): AsyncGenerator<BlobContent | UnreadObject> {
  const seen = new Set<string>(skip);
  const pending = [...(await listRefs(repo)).map((r) => r.oid), ...(await listHeads(repo))];
  const blob = async (oid: string): Promise<BlobContent | UnreadObject> => {
    const obj = await readRaw(repo, oid);
    if (obj) return { oid, bytes: obj.bytes };
    if (lenient) return { oid, bytes: null, size: 0, unread: "missing" };
    throw new CorruptRepositoryError(`object ${oid} is missing: the repository is corrupt or incomplete`);
  };
  while (pending.length) {
    const oid = pending.pop()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    const obj = await readRaw(repo, oid);
    if (!obj) continue; // a ref to an object this clone does not have (shallow edge)
    if (obj.type === "blob") yield { oid, bytes: obj.bytes };
    else if (obj.type === "tag") {
      const target = /^object ([0-9a-f]{40})$/m.exec(obj.bytes.toString("latin1", 0, 200))?.[1];
      if (target) pending.push(target);
    }
    else if (obj.type === "commit") {
      const c = parseCommit(obj.bytes);
      pending.push(c.tree);
      if (!repo.shallow.has(oid)) pending.push(...c.parents);
    } else {
      // A tree: subtrees go on the stack, blobs are read right away.
      const trees = [obj.bytes];
      for (let raw = trees.pop(); raw; raw = trees.pop()) {
        for (const e of parseTree(raw)) {
          if (seen.has(e.oid) || e.mode === GITLINK_MODE) continue;
          seen.add(e.oid);
          if (isTree(e.mode)) trees.push(await readExisting(repo, e.oid, "tree"));
          else yield await blob(e.oid);
        }
      }
    }
  }
}
