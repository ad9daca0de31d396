import { join } from "node:path";
import type { Repo } from "./repo.js";
import { isAbsent, readText } from "./find-git-dir.js";

export interface Ref {
  name: string;
  /** What the ref points at, not peeled (an annotated tag's ref gives the tag object). */
  oid: string;
}

const OID = /^[0-9a-f]{40}$/;

/**
 * Every ref under refs/ (loose files override packed-refs), sorted by name like
 * `git for-each-ref`. Symbolic refs are followed; dangling ones are left out.
 */
export async function listRefs(repo: Repo): Promise<Ref[]> {
  const targets = new Map<string, string>(); // name -> oid or "ref: …"
  for (const [name, oid] of parsePackedRefs((await readText(repo.fs, join(repo.gitdir, "packed-refs"))) ?? "")) targets.set(name, oid);
  for (const name of await looseRefNames(repo, "refs")) {
    const text = (await readText(repo.fs, join(repo.gitdir, name)))?.trim();
    if (text) targets.set(name, text);
  }
  const refs: Ref[] = [];
  for (const name of [...targets.keys()].sort(byteOrder)) {
    const oid = follow(targets, name);
    if (oid) refs.push({ name, oid });
  }
  return refs;
}

/** HEAD of this checkout and of every linked worktree (`git log --all` includes them). */
export async function listHeads(repo: Repo): Promise<string[]> {
  const files = [repo.headFile, join(repo.gitdir, "HEAD")];
  try {
    for (const w of (await repo.fs.promises.readdir(join(repo.gitdir, "worktrees"))) as string[]) files.push(join(repo.gitdir, "worktrees", w, "HEAD"));
  } catch (err) {
    if (!isAbsent(err)) throw err;
  }
  const oids = new Set<string>();
  for (const f of new Set(files)) {
    const oid = await resolveRefText(repo, (await readText(repo.fs, f))?.trim() ?? "");
    if (oid) oids.add(oid);
  }
  return [...oids];
}

/** Resolves the content of a ref file ("<oid>" or "ref: refs/…") to an oid. */
export async function resolveRefText(repo: Repo, text: string, depth = 0): Promise<string | null> {
  if (OID.test(text)) return text;
  if (!text.startsWith("ref: ") || depth > 5) return null;
  const name = text.slice(5).trim();
  const loose = (await readText(repo.fs, join(repo.gitdir, name)))?.trim();
  if (loose) return resolveRefText(repo, loose, depth + 1);
  const packed = parsePackedRefs((await readText(repo.fs, join(repo.gitdir, "packed-refs"))) ?? "").get(name);
  return packed ?? null;
}

function parsePackedRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split("\n")) {
    // "# pack-refs with: …" header, "^<peeled oid>" lines after annotated tags
    if (!line || line.startsWith("#") || line.startsWith("^")) continue;
    const sp = line.indexOf(" ");
    if (sp === 40) refs.set(line.slice(41).trim(), line.slice(0, 40));
  }
  return refs;
}

async function looseRefNames(repo: Repo, prefix: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await repo.fs.promises.readdir(join(repo.gitdir, prefix))) as string[];
  } catch (err) {
    if (isAbsent(err)) return [];
    throw err;
  }
  const names: string[] = [];
  for (const e of entries) {
    const name = `${prefix}/${e}`;
    const st = (await repo.fs.promises.stat(join(repo.gitdir, name))) as { isDirectory(): boolean };
    if (st.isDirectory()) names.push(...(await looseRefNames(repo, name)));
    else if (!e.endsWith(".lock")) names.push(name);
  }
  return names;
}

function follow(targets: Map<string, string>, name: string): string | null {
  let value = targets.get(name);
  for (let depth = 0; value && depth < 6; depth++) {
    if (OID.test(value)) return value;
    if (!value.startsWith("ref: ")) return null;
    value = targets.get(value.slice(5).trim());
  }
  return null;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
