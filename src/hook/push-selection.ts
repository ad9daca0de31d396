import type { Selection } from "../git/engine.js";
import type { RefUpdate } from "./parse-ref-updates.js";
import { isZeroOid } from "../git/refs.js";

export interface PushPlan {
  /** What to scan: every new tip, minus everything any existing ref already reaches. */
  selection: Selection | null;
  /** Updates whose new objects are scanned (creations, fast-forwards, force-pushes, tags). */
  scanned: RefUpdate[];
  /** Deletions: nothing new arrives, so nothing is scanned. */
  deleted: RefUpdate[];
  /** `refs/replace/*` created or moved (deleting one is fine): refused unless the config allows them. */
  replaceRefs: string[];
}

const REPLACE = "refs/replace/";

/**
 * One scan for the whole push. `new --not --all` is right for every kind of update: for a
 * fast-forward it is old..new, for a new branch or tag it is what no ref has yet, and for
 * a force-push it is only the rewritten commits (the ones dropped are already on the
 * server). A tag object named in `include` is read by the engine's `tags()` as well, and
 * a tree or blob pushed as a ref directly is scanned as what it is (src/objects). In the
 * hook, the engine also reads every blob in the quarantine: new objects no ref reaches
 * are read too.
 */
export function pushSelection(updates: readonly RefUpdate[]): PushPlan {
  const scanned = updates.filter((u) => !isZeroOid(u.new));
  const deleted = updates.filter((u) => isZeroOid(u.new));
  const include = [...new Set(scanned.map((u) => u.new))];
  return {
    selection: include.length ? { include, excludeAllRefs: true } : null,
    scanned,
    deleted,
    replaceRefs: scanned.filter((u) => u.ref.startsWith(REPLACE)).map((u) => u.ref),
  };
}
