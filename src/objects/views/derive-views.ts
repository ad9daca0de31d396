import type { ArchiveBudget } from "./archive-members.js";
import { ARCHIVE_LIMITS, archiveKind, archiveMembers, newBudget } from "./archive-members.js";
import type { Encoding, Place } from "./encoded-views.js";
import { BASE64_KEY_PCRE, ESCAPED_KEY_PCRE, encodedViews, mayHoldEncodedKey } from "./encoded-views.js";

// What a blob holds besides its raw bytes: the members of an archive (to a few levels)
// and the decoded forms of encoded keys. A pure function of (bytes, path): the history,
// push and working-tree scans apply it to the blobs that pass `mayHoldViews`.

/** One derived scan target. */
export interface View {
  /** The path detectors see: a member's own name inside an archive, else the blob's path. */
  path: string;
  bytes: Buffer;
  /** The member chain inside archives (`lib/inner.jar!app.properties`); null for the blob itself. */
  member: string | null;
  /** How the key was written, when this view decodes it. */
  encoding: Encoding | null;
  /** Back to the line and column of the blob (or member) this view was decoded from. */
  place: Place | null;
}

export type { ArchiveBudget, Encoding };

/** Cheap: first-byte signatures and fixed-string searches only. */
export function mayHoldViews(bytes: Buffer): boolean {
  return archiveKind(bytes) !== null || mayHoldEncodedKey(bytes);
}

/**
 * For an engine that searches in bulk: every blob with an encoded key matches one of
 * these. `withKey` starts as the key pattern does (`k`) and joins it in one alternation;
 * `apart` is searched as a pattern of its own (why: ENCODED_KEY_PCRE's comment). Archives
 * are found by name and by being incompressible (grep-blobs.ts) there, as a signature
 * would cost a check of every byte.
 */
export const VIEWS_PCRE = { withKey: ESCAPED_KEY_PCRE, apart: BASE64_KEY_PCRE } as const;

/**
 * Every view of a blob at `path`. `budget.incomplete` is set when an archive could not be
 * expanded whole (a limit, a damaged member): the blob is then not fully scanned.
 */
export async function* deriveViews(path: string, bytes: Buffer, budget: ArchiveBudget = newBudget(bytes.length)): AsyncGenerator<View> {
  yield* encoded(path, bytes, null);
  yield* members(path, bytes, null, 0, budget);
}

function* encoded(path: string, bytes: Buffer, member: string | null): Generator<View> {
  if (!mayHoldEncodedKey(bytes)) return;
  for (const v of encodedViews(bytes)) yield { path, bytes: v.bytes, member, encoding: v.encoding, place: v.place };
}

async function* members(path: string, bytes: Buffer, member: string | null, depth: number, budget: ArchiveBudget): AsyncGenerator<View> {
  const kind = archiveKind(bytes);
  if (!kind) return;
  if (depth >= ARCHIVE_LIMITS.depth) {
    budget.incomplete ??= `archives nested more than ${ARCHIVE_LIMITS.depth} deep`;
    return;
  }
  const name = path.slice(path.lastIndexOf("/") + 1);
  for await (const m of archiveMembers(kind, name, bytes, budget)) {
    const chain = member === null ? m.name : `${member}!${m.name}`;
    // A member that is an archive itself stands for its members (a .tar in a .tar.gz).
    if (archiveKind(m.bytes)) yield* members(m.name, m.bytes, chain, depth + 1, budget);
    else {
      yield { path: m.name, bytes: m.bytes, member: chain, encoding: null, place: null };
      yield* encoded(m.name, m.bytes, chain);
    }
  }
}

export { newBudget };
