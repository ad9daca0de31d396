import { archiveKind } from "../objects/views/archive-members.js";
import { deriveViews, newBudget } from "../objects/views/derive-views.js";
import { keysIn } from "./remove-keys.js";

/** The keys scrub removes that an archive's members hold, and why it could not be opened whole, if so. */
export interface ArchiveKeys {
  keys: Map<string, string>;
  /** Set when a limit or damage stopped the expansion: a key may hide in what was not read. */
  incomplete: string | null;
}

const NONE: ArchiveKeys = { keys: new Map(), incomplete: null };

/**
 * Issue 10: a key in a deflated member of an .apk, a .jar, a .tar.gz is not in the raw
 * bytes, so the raw search that finds a key in any other binary never sees it. The
 * members are opened exactly as the scan opens them (src/objects/views/, the same limits
 * and nesting), and each is asked the re-scan's own question (keysIn: plain, escaped,
 * base64), so the rewrite, its report and the final re-scan agree with `leakguard scan`.
 * Not an archive: no keys, nothing incomplete, and no work beyond four bytes.
 */
export async function findArchiveKeys(bytes: Buffer, includeTestKeys: boolean): Promise<ArchiveKeys> {
  if (archiveKind(bytes) === null) return NONE;
  const budget = newBudget(bytes.length);
  const keys = new Map<string, string>();
  for await (const view of deriveViews("", bytes, budget)) {
    // A member's own bytes: keysIn decodes its encodings itself, so the decoded views are skipped.
    if (view.member === null || view.encoding !== null) continue;
    for (const { secret, rule } of keysIn(view.bytes, includeTestKeys)) keys.set(secret, rule);
  }
  return { keys, incomplete: budget.incomplete };
}
