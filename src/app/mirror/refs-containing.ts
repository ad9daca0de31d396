import { childEnv } from "../child-env.js";
import { gitText } from "../../git/run-git.js";

/** "branch main", "tag v1.2" or "branches main, dev": where a commit found in old history lives. */
export async function refsContaining(dir: string, commit: string): Promise<string | null> {
  const out = await gitText(["for-each-ref", "--contains", commit, "--format=%(refname)", "refs/heads", "refs/tags"], { cwd: dir, env: childEnv() }).catch(() => "");
  const refs = out.split("\n").filter(Boolean);
  return describeRefs(refs);
}

export function describeRefs(refs: readonly string[]): string | null {
  const branches = refs.filter((r) => r.startsWith("refs/heads/")).map((r) => r.slice(11));
  const tags = refs.filter((r) => r.startsWith("refs/tags/")).map((r) => r.slice(10));
  const part = (word: string, names: string[]) =>
    names.length === 0 ? null : `${word}${names.length > 1 ? (word === "branch" ? "es" : "s") : ""} ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}`;
  const text = [part("branch", branches), part("tag", tags)].filter(Boolean).join("; ");
  return text || null;
}
