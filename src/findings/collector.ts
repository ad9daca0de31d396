import type { Detector, Match } from "../detectors/types.js";
import { MAX_OCCURRENCES_PER_KEY } from "../detectors/types.js";
import type { Finding, ScanStats, SuppressedFinding } from "./finding.js";
import type { MatchContext } from "./to-finding.js";
import { toFinding } from "./to-finding.js";
import type { View } from "../objects/views/derive-views.js";
import { deriveViews, mayHoldViews, newBudget } from "../objects/views/derive-views.js";
import { archiveKind } from "../objects/views/archive-members.js";

export { MAX_OCCURRENCES_PER_KEY };

/** Where a window of a big blob starts (see WINDOW_BYTES in objects/history-targets.ts). */
export interface WindowAt {
  offset: number;
  /** 1-based line number of the window's first byte. */
  line: number;
  /** Leading bytes the previous window already held whole (a hard cut), else 0. */
  lead: number;
  /** Bytes of the first line before the window (a hard cut in a long line): added to its columns. */
  column: number;
  /** The window ends in a hard cut: a match touching its end is cut short (the next window has it whole). */
  cutEnd: boolean;
}

/**
 * Runs detectors over one input and keeps what survives suppression. Shared by the
 * history and working-tree scans so that both apply `leakguard:allow` and the baseline
 * the same way. A window of a big blob reports lines of the whole blob; a match that
 * starts in the part it repeats from the previous window was reported there.
 */
export function createCollector(detectors: readonly Detector[], baseline: ReadonlySet<string>, stats: ScanStats) {
  const findings: Finding[] = [];
  // Kept, not dropped: the hook and the app decide whether an inline allow may hold a live key.
  const suppressed: SuppressedFinding[] = [];
  const seen = new Set<string>();
  /** Places kept per key and file (blob, path, member), plain and suppressed apart. */
  const kept = new Map<string, number>();
  return {
    findings,
    suppressed,
    run(path: string, bytes: Uint8Array, ctx: MatchContext, only?: (rule: string, m: Match) => boolean, at: WindowAt | null = null, view: View | null = null) {
      for (const detect of detectors) {
        for (const raw of detect({ path: view ? view.path : path, bytes: view ? view.bytes : bytes })) {
          // The detector's own count of what it left out (types.ts), then this file's bound across windows.
          if (raw.omitted) stats.occurrencesOmitted = (stats.occurrencesOmitted ?? 0) + raw.omitted;
          if (only && !only(raw.rule, raw)) continue;
          const m = view ? placeView(raw, view, ctx.path) : at ? placeInBlob(raw, bytes, at) : raw;
          if (!m) continue;
          const f = toFinding(m, view ? { ...ctx, ...(view.member !== null ? { member: view.member } : {}), ...(view.encoding ? { encoding: view.encoding } : {}) } : ctx);
          const key = `${f.blob}:${f.commit}:${f.path}:${f.member ?? ""}:${f.rule}:${f.fingerprint}:${f.line}:${f.column}:${f.source}`;
          if (seen.has(key)) continue;
          // Every key is listed, and every file it is in, but not every repetition: a hostile
          // 33 MB file of one key repeated made a million findings (3.7 GB, a 480 MB report).
          // The detector bounds each call; this bounds a file read in several windows or views.
          // Suppressed matches have counts of their own: allowed repetitions never crowd out a plain use.
          const isSuppressed = m.allowed || baseline.has(f.fingerprint);
          const unit = `${isSuppressed ? "s" : "f"}:${f.blob ?? ""}:${f.path}:${f.member ?? ""}:${f.fingerprint}`;
          const places = kept.get(unit) ?? 0;
          if (places >= MAX_OCCURRENCES_PER_KEY) {
            stats.occurrencesOmitted = (stats.occurrencesOmitted ?? 0) + 1;
            continue;
          }
          kept.set(unit, places + 1);
          seen.add(key);
          if (isSuppressed) {
            stats.suppressed++;
            suppressed.push({ ...f, suppressedBy: baseline.has(f.fingerprint) ? "baseline" : "inline-allow" });
            continue;
          }
          findings.push(f);
        }
      }
    },
  };
}

/** A release build of a mobile app: whatever a member is, a key in it ships to every phone. */
const MOBILE_ARCHIVE = /\.(?:apk|aab|ipa|xapk|apks)$/i;

/** A view's match in the blob (or member) it was decoded from; a member of a mobile build has the build's vector. */
function placeView(m: Match, view: View, path: string): Match | null {
  let placed: Match = m;
  if (view.place) {
    if (m.secret === null) return null; // a decoded text is not a file of its own
    const at = view.place(m.line, m.column, m.secret.length);
    if (!at) return null;
    placed = { ...m, ...at };
  }
  return view.member !== null && MOBILE_ARCHIVE.test(path) ? { ...placed, vector: "mobile-app" } : placed;
}

export type Collector = ReturnType<typeof createCollector>;

/**
 * The raw bytes and every view of them (archive members, decoded encodings), matched and
 * collected. Returns why an archive could not be expanded whole, or null: the caller
 * names the blob as not fully scanned. In an archive the members' findings stand for the
 * raw ones (a tar or a stored zip member shows its key in the raw bytes too).
 */
export async function collectWithViews(collector: Collector, path: string, bytes: Buffer, ctx: MatchContext, only?: (rule: string) => boolean): Promise<string | null> {
  if (!mayHoldViews(bytes)) {
    collector.run(path, bytes, ctx, only);
    return null;
  }
  const budget = newBudget(bytes.length);
  const inMembers = new Set<string>();
  for await (const view of deriveViews(path, bytes, budget)) {
    collector.run(path, bytes, ctx, (rule, m) => {
      if (view.member !== null && m.secret) inMembers.add(m.secret);
      return !only || only(rule);
    }, null, view);
  }
  const archive = archiveKind(bytes) !== null;
  collector.run(path, bytes, ctx, (rule, m) => (!only || only(rule)) && !(archive && m.secret !== null && inMembers.has(m.secret)));
  return budget.incomplete;
}

/** True when a view of the bytes holds a match, or could not be expanded whole (the blob must then be named). */
export async function viewsMatch(detectors: readonly Detector[], bytes: Buffer): Promise<boolean> {
  const budget = newBudget(bytes.length);
  for await (const view of deriveViews("", bytes, budget)) {
    for (const d of detectors) if (d({ path: view.path, bytes: view.bytes }).some((m) => m.secret !== null || view.member !== null)) return true;
  }
  return budget.incomplete !== null;
}

const LF = 0x0a;

/** Byte offset of a match from its line's start and its column (UTF-16 units from there). */
function byteOffset(buf: Buffer, lineStart: number, column: number): number {
  const text = buf.subarray(lineStart, Math.min(buf.length, lineStart + 4 * column)).toString("utf8");
  return lineStart + Buffer.byteLength(text.slice(0, column - 1));
}

/**
 * A window's match in the blob's own lines, or null when another window reports it: a
 * match wholly inside the lead was found whole by the previous window, and one touching a
 * hard cut at the end is cut short here and found whole by the next. File-level findings
 * come from the first window only.
 */
function placeInBlob(m: Match, bytes: Uint8Array, at: WindowAt): Match | null {
  if (m.secret === null) return at.offset === 0 ? m : null;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // A hard cut leaves no line break in the lead or near the end (it happens only where
  // the last half of a window has none), so these lines are the cut one.
  if (at.lead > 0 && m.line === 1 && byteOffset(buf, 0, m.column) + m.secret.length < at.lead) return null;
  if (at.cutEnd) {
    const lastStart = buf.lastIndexOf(LF) + 1;
    const onLast = lastStart === 0 ? m.line === 1 : m.line === countLines(buf) + 1;
    if (onLast && byteOffset(buf, lastStart, m.column) + m.secret.length >= buf.length) return null;
  }
  // Columns on a cut line count the bytes before the cut as one column each: exact for
  // one-byte text, close otherwise (only lines over half a window are ever cut).
  return { ...m, line: m.line + at.line - 1, column: m.line === 1 ? m.column + at.column : m.column };
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

export function emptyStats(): ScanStats {
  return { commits: 0, blobs: 0, bytes: 0, ms: 0, submodules: 0, suppressed: 0, unreadable: 0, skipped: 0, partial: false, incomplete: false, unreadObjects: [] };
}
