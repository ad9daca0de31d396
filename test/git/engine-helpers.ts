import type { GitEngine, Selection } from "../../src/git/engine.js";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { createIsomorphicEngine } from "../../src/git/isomorphic/engine.js";

/** Both engines, for suites that must hold for either. */
export const ENGINES = [
  { name: "native", open: (dir: string): GitEngine => createNativeEngine(dir) },
  { name: "isomorphic", open: (dir: string): GitEngine => createIsomorphicEngine(dir) },
] as const;

/** A walk as plain data (messages as latin1 text) for comparing engines. */
export async function walk(engine: GitEngine, sel: Selection = { all: true }) {
  const out = [];
  for await (const c of engine.walk(sel)) out.push({ ...c.commit, message: c.message.toString("latin1"), changes: c.changes, gitlinks: c.gitlinks });
  return out;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
