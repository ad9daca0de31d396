import type { GitEngine, Selection } from "../git/engine.js";

/**
 * The tree of a boundary commit as a selection, or null when `engine`'s repository does
 * not hold it: an engine that sees only what the server had before (no quarantine) cannot
 * vouch for a tree the push itself brought.
 */
export async function boundaryTree(engine: GitEngine, commit: string): Promise<Selection | null> {
  const tree = `${commit}^{tree}`;
  const types = await engine.types([tree]);
  return types.get(tree) === "tree" ? { include: [tree] } : null;
}
