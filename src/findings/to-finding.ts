import type { Match } from "../detectors/types.js";
import type { ScanTarget } from "../objects/scan-target.js";
import type { Finding } from "./finding.js";
import { fingerprint } from "./fingerprint.js";
import { redact, redactAll } from "./redact.js";

/** The target a match was found in (objects/ says where it was read), and where inside it. */
export interface MatchContext extends ScanTarget {
  member?: string;
  encoding?: Finding["encoding"];
}

/**
 * The one place a raw match becomes a Finding: the secret is hashed and redacted here and
 * dropped. Names a pusher chose (the path, a tag name inside a pseudo-path, the author)
 * can hold a key too, so they are redacted here as well: no sink ever sees a full key.
 */
export function toFinding(m: Match, ctx: MatchContext): Finding {
  return {
    rule: m.rule,
    severity: m.severity,
    path: redactAll(ctx.path),
    line: m.line,
    column: m.column,
    commit: ctx.commit?.oid ?? null,
    blob: ctx.blob,
    author: ctx.commit ? redactAll(ctx.commit.author) : null,
    date: ctx.commit?.date ?? null,
    fingerprint: fingerprint(m.secret ?? m.identity ?? ""),
    redacted: m.secret === null ? null : redact(m.secret),
    vector: m.vector,
    source: ctx.source,
    ...(ctx.member !== undefined ? { member: redactAll(ctx.member) } : {}),
    ...(ctx.encoding !== undefined ? { encoding: ctx.encoding } : {}),
  };
}

const cmp = (a: string | null, b: string | null) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);

/** Stable, locale-free order: path, position, rule, then oldest first. */
export function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.path, b.path) || a.line - b.line || a.column - b.column || cmp(a.rule, b.rule) || cmp(a.date, b.date) || cmp(a.commit, b.commit);
}
