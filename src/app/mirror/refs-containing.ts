import { childEnv } from "../child-env.js";
import { listRefOids } from "../../git/refs.js";

/** "branch main", "tag v1.2" or "branches main, dev": where a commit found in old history lives. */
export async function refsContaining(dir: string, commit: string): Promise<string | null> {
  const refs = await listRefOids({ cwd: dir, env: childEnv() }, ["--contains", commit, "refs/heads", "refs/tags"]).catch(() => new Map<string, string>());
  return describeRefs([...refs.keys()]);
}

export function describeRefs(refs: readonly string[]): string | null {
  const branches = refs.filter((r) => r.startsWith("refs/heads/")).map((r) => r.slice(11));
  const tags = refs.filter((r) => r.startsWith("refs/tags/")).map((r) => r.slice(10));
  const part = (word: string, names: string[]) =>
    names.length === 0 ? null : `${word}${names.length > 1 ? (word === "branch" ? "es" : "s") : ""} ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}`;
  const text = [part("branch", branches), part("tag", tags)].filter(Boolean).join("; ");
  return text || null;
}
