// Loaded on the first archive only: most scans meet none, and a hook starts for every push.
type Fflate = typeof import("fflate");
let fflate: Promise<Fflate> | null = null;
const loadFflate = () => (fflate ??= import("fflate"));

// Archives opened in memory (issue 10 item 2): zip and its family (.jar .war .apk .aab
// .ipa .xpi .nupkg .whl: all zip files), gzip and tar. fflate (pure JS, no native code,
// no dependencies) inflates zip members and gzip streams in pieces, so every byte it
// produces is counted before the next piece is asked for; tar-stream (the parser
// tar-fs and npm's tooling build on) splits tar files. A limit reached stops the
// expansion and says why: the blob is then not fully scanned, never an exhausted heap.

export type ArchiveKind = "zip" | "gzip" | "tar";

export const ARCHIVE_LIMITS = {
  /** Archive levels opened, a gzip layer counted as one (`a.tar.gz` holding an `.apk`: 3). */
  depth: 4,
  /** Bytes expanded from one blob, every level together. */
  expandedBytes: 256 * 1024 * 1024,
  /** Bytes of one member (held whole while its views are scanned). */
  memberBytes: 64 * 1024 * 1024,
  /** Members of one blob, every level together. */
  members: 100_000,
  /** Expanded over compressed bytes of the blob, checked once past `ratioFloor`. */
  ratio: 200,
  ratioFloor: 16 * 1024 * 1024,
} as const;

/** Shared by every level of one blob; `incomplete` says why expansion stopped, if it did. */
export interface ArchiveBudget {
  input: number;
  expanded: number;
  members: number;
  incomplete: string | null;
}

export interface ArchiveMember {
  name: string;
  bytes: Buffer;
}

// A piece of compressed input; deflate expands at most about 1,032 times, so one step yields at most ~17 MB.
const PIECE = 16 * 1024;

/** What the first bytes say: only these blobs are ever opened. */
export function archiveKind(bytes: Buffer): ArchiveKind | null {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "zip";
  if (bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) return "gzip";
  if (bytes.length >= 512 && bytes.toString("latin1", 257, 262) === "ustar") return "tar";
  return null;
}

/**
 * Names that say archive. A full-history scan's bulk prefilter cannot test a signature
 * (that would cost a check of every byte of every blob): it reads blobs at these names,
 * and blobs zlib cannot shrink (compressed data, whatever the name: grep-blobs.ts); every
 * blob read for any other reason is still opened when its first bytes are an archive's.
 */
export const ARCHIVE_NAME = /\.(?:zip|jar|war|ear|aar|apk|aab|apks|xapk|ipa|xpi|nupkg|whl|egg|gz|tgz|tar|crx|vsix|docx|xlsx|pptx|odt|ods)$/i;

export function newBudget(input: number): ArchiveBudget {
  return { input, expanded: 0, members: 0, incomplete: null };
}

/** Counts `n` more expanded bytes; false (and the reason noted) once a limit is passed. */
function spend(budget: ArchiveBudget, n: number, member: number, name: string): boolean {
  budget.expanded += n;
  const L = ARCHIVE_LIMITS;
  if (member > L.memberBytes) budget.incomplete ??= `member ${name} expands past ${L.memberBytes} bytes`;
  else if (budget.expanded > L.expandedBytes) budget.incomplete ??= `expands past ${L.expandedBytes} bytes`;
  else if (budget.expanded > L.ratioFloor && budget.expanded > L.ratio * budget.input) budget.incomplete ??= `expands more than ${L.ratio} times (a decompression bomb?)`;
  else return true;
  return false;
}

function countMember(budget: ArchiveBudget): boolean {
  if (++budget.members <= ARCHIVE_LIMITS.members) return true;
  budget.incomplete ??= `more than ${ARCHIVE_LIMITS.members} members`;
  return false;
}

export async function* archiveMembers(kind: ArchiveKind, name: string, bytes: Buffer, budget: ArchiveBudget): AsyncGenerator<ArchiveMember> {
  if (kind === "zip") yield* zipMembers(await loadFflate(), bytes, budget);
  else if (kind === "gzip") yield* gzipMember(await loadFflate(), name, bytes, budget);
  else yield* tarMembers(bytes, budget);
}

function* zipMembers({ Unzip, UnzipInflate }: Fflate, bytes: Buffer, budget: ArchiveBudget): Generator<ArchiveMember> {
  const ready: ArchiveMember[] = [];
  const unzip = new Unzip((file) => {
    if (budget.incomplete || file.name.endsWith("/")) return;
    if (!countMember(budget)) return;
    if (file.compression !== 0 && file.compression !== 8) {
      budget.incomplete ??= `member ${file.name} uses compression method ${file.compression}`;
      return;
    }
    const chunks: Uint8Array[] = [];
    let n = 0;
    file.ondata = (err, chunk, final) => {
      if (budget.incomplete) return;
      if (err) {
        budget.incomplete ??= `member ${file.name} cannot be inflated (${err.message})`;
        return;
      }
      n += chunk.length;
      if (!spend(budget, chunk.length, n, file.name)) {
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) ready.push({ name: file.name, bytes: Buffer.concat(chunks) });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for (let off = 0; off < bytes.length && !budget.incomplete; off += PIECE) {
    try {
      unzip.push(bytes.subarray(off, off + PIECE), off + PIECE >= bytes.length);
    } catch (err) {
      budget.incomplete ??= `not a readable zip file (${(err as Error).message})`;
    }
    keepLinear(unzip);
    while (ready.length) yield ready.shift()!;
  }
}

/**
 * fflate 0.8's Unzip puts a list in front of its private `k` for every member header and
 * never lets one go, so each header costs one step per member before it: 100,000 empty
 * members (a 10 MB zip) took 27 s. It only ever reads the newest two (`k[0]`, the member
 * being read; `k[1]`, the one before it); each member's own list stays with that member.
 * Keeping two keeps a hostile zip linear. If a later fflate drops `k`, this does nothing.
 */
function keepLinear(unzip: object): void {
  const k = (unzip as { k?: unknown }).k;
  if (Array.isArray(k) && k.length > 2) k.length = 2;
}

/** A gzip file holds one stream (`dump.sql.gz`: `dump.sql`); several members are read as one, as gunzip does. */
function* gzipMember({ Gunzip }: Fflate, name: string, bytes: Buffer, budget: ArchiveBudget): Generator<ArchiveMember> {
  if (!countMember(budget)) return;
  const inner = name.replace(/\.t?gz$/i, (m) => (m.toLowerCase() === ".tgz" ? ".tar" : "")) || "(gzip content)";
  const chunks: Uint8Array[] = [];
  let n = 0;
  let done = false;
  const gunzip = new Gunzip((chunk, final) => {
    if (budget.incomplete) return;
    n += chunk.length;
    if (!spend(budget, chunk.length, n, inner)) return;
    chunks.push(chunk);
    if (final) done = true;
  });
  for (let off = 0; off < bytes.length && !budget.incomplete; off += PIECE) {
    try {
      gunzip.push(bytes.subarray(off, off + PIECE), off + PIECE >= bytes.length);
    } catch (err) {
      budget.incomplete ??= `not a readable gzip file (${(err as Error).message})`;
    }
  }
  if (!budget.incomplete && !done) budget.incomplete = "gzip stream ends early";
  if (!budget.incomplete) yield { name: inner, bytes: Buffer.concat(chunks) };
}

async function* tarMembers(bytes: Buffer, budget: ArchiveBudget): AsyncGenerator<ArchiveMember> {
  const { extract } = await import("tar-stream");
  const ex = extract();
  ex.end(bytes);
  try {
    for await (const entry of ex) {
      const h = entry.header;
      if (budget.incomplete || (h.type !== "file" && h.type !== "contiguous-file") || !countMember(budget)) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        n += chunk.length;
        // tar stores members as they are: the bytes are the blob's own, only counted.
        if (spend(budget, chunk.length, n, h.name)) chunks.push(chunk);
      }
      if (!budget.incomplete) yield { name: h.name, bytes: Buffer.concat(chunks) };
    }
  } catch (err) {
    budget.incomplete ??= `not a readable tar file (${(err as Error).message})`;
  }
}
