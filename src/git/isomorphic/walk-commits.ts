import type { Selection } from "../engine.js";
import type { Repo } from "./repo.js";
import type { ParsedCommit } from "./parse-commit.js";
import { readExisting } from "./repo.js";
import { parseCommit } from "./parse-commit.js";
import { createDateHeap } from "./date-heap.js";
import { listHeads, listRefs } from "./list-refs.js";
import { peelToCommit, resolveCommit } from "./resolve-rev.js";

export interface CommitNode {
  oid: string;
  commit: ParsedCommit;
  /** Parents as git sees them: none for a shallow boundary commit. */
  parents: string[];
  /** The first parent's tree, what this commit is compared with; null for a root. */
  parentTree: string | null;
  time: number;
  seq: number;
  hidden: boolean;
}

// Extra uninteresting commits popped after the last interesting one, against clock skew
// (git's revision.c uses the same margin).
const SLOP = 5;

/**
 * The commits of a selection, newest first, every commit once, each after all of its
 * children in the selection (`git log --date-order`). Without clock skew this is the
 * order plain `git log` prints; with skew the topological rule wins, because the history
 * scan keeps the last introduction it sees as the oldest.
 */
export async function* walkCommits(repo: Repo, sel: Selection): AsyncGenerator<CommitNode> {
  const { include, exclude } = await tips(repo, sel);
  const nodes = new Map<string, CommitNode>();
  const queue = createDateHeap<CommitNode>();
  const queued = new Set<string>();
  let seq = 0;
  let interestingQueued = 0;

  const hide = (start: CommitNode) => {
    // Paint a commit and what is already known of its ancestry as excluded.
    const stack = [start];
    for (let n = stack.pop(); n; n = stack.pop()) {
      if (n.hidden) continue;
      n.hidden = true;
      if (queued.has(n.oid)) interestingQueued--;
      else for (const p of n.parents) if (nodes.has(p)) stack.push(nodes.get(p)!);
    }
  };
  const visit = async (oid: string, hidden: boolean) => {
    const known = nodes.get(oid);
    if (known) {
      if (hidden) hide(known);
      return;
    }
    const commit = parseCommit(await readExisting(repo, oid, "commit"));
    const node: CommitNode = { oid, commit, parents: repo.shallow.has(oid) ? [] : commit.parents, parentTree: null, time: commit.time, seq: seq++, hidden };
    nodes.set(oid, node);
    queued.add(oid);
    if (!hidden) interestingQueued++;
    queue.push(node);
  };

  for (const oid of exclude) await visit(oid, true);
  for (const oid of include) await visit(oid, false);
  const popped: CommitNode[] = [];
  let slop = SLOP;
  let lastInteresting = Infinity; // commit time of the last interesting commit popped
  // Like git's limit_list: stop once nothing interesting is queued and the queue has gone
  // older than the last interesting commit, plus SLOP more pops.
  while (queue.size) {
    if (interestingQueued === 0 && queue.peek()!.time < lastInteresting && --slop < 0) break;
    const node = queue.pop()!;
    queued.delete(node.oid);
    if (!node.hidden) {
      interestingQueued--;
      lastInteresting = node.time;
      slop = SLOP;
    }
    popped.push(node);
    for (const p of node.parents) await visit(p, node.hidden);
  }
  const selected = popped.filter((n) => !n.hidden);
  // Every parent of a popped commit was loaded, so the first parent's tree is known.
  for (const n of selected) n.parentTree = n.parents[0] ? nodes.get(n.parents[0])!.commit.tree : null;
  yield* dateOrder(selected);
}

/** Kahn's algorithm on the selected commits, taking the newest ready commit each time. */
function* dateOrder(selected: CommitNode[]): Generator<CommitNode> {
  const byOid = new Map(selected.map((n) => [n.oid, n] as const));
  const children = new Map<string, number>();
  for (const n of selected) for (const p of new Set(n.parents)) if (byOid.has(p)) children.set(p, (children.get(p) ?? 0) + 1);
  const ready = createDateHeap<CommitNode>();
  for (const n of selected) if (!children.has(n.oid)) ready.push(n);
  for (let n = ready.pop(); n; n = ready.pop()) {
    yield n;
    for (const p of new Set(n.parents)) {
      const left = children.get(p);
      if (left === undefined) continue;
      if (left === 1) {
        children.delete(p);
        ready.push(byOid.get(p)!);
      } else children.set(p, left - 1);
    }
  }
}

/** Start points: what to include and what to exclude, all as commit ids. */
async function tips(repo: Repo, sel: Selection): Promise<{ include: string[]; exclude: string[] }> {
  const allTips = async () => {
    const oids = [...(await listRefs(repo)).map((r) => r.oid), ...(await listHeads(repo))];
    const commits = await Promise.all(oids.map((o) => peelToCommit(repo, o)));
    return [...new Set(commits.filter((c): c is string => c !== null))];
  };
  if (sel.all) return { include: await allTips(), exclude: [] };
  const include = await Promise.all((sel.include ?? []).map((r) => resolveCommit(repo, r)));
  const exclude = await Promise.all((sel.exclude ?? []).map((r) => resolveCommit(repo, r)));
  if (sel.excludeAllRefs) exclude.push(...(await allTips()));
  return { include, exclude };
}
