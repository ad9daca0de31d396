import type { Incident, IncidentStatus } from "./store.js";

/** An incidents row as either store returns it (PostgreSQL: BIGSERIAL ids as strings, JSONB status parsed; SQLite: TEXT status). */
export interface IncidentRow {
  id: number | string;
  repo: string;
  fingerprint: string;
  rule: string;
  severity: string;
  redacted: string | null;
  vector: string;
  path: string;
  /** Added by a migration: absent from rows read before it. */
  member?: string | null;
  line: number;
  commit_oid: string | null;
  ref: string | null;
  pusher: string | null;
  replacement_of: string | null;
  issue_repo: string;
  issue_number: number;
  state: string;
  status: string | IncidentStatus | null;
  opened_at: string;
}

export function toIncident(r: IncidentRow): Incident {
  return {
    id: Number(r.id),
    repo: r.repo,
    fingerprint: r.fingerprint,
    rule: r.rule as Incident["rule"],
    severity: r.severity as Incident["severity"],
    redacted: r.redacted,
    vector: r.vector as Incident["vector"],
    path: r.path,
    member: r.member ?? null,
    line: r.line,
    commit: r.commit_oid,
    ref: r.ref,
    pusher: r.pusher,
    replacementOf: r.replacement_of,
    issueRepo: r.issue_repo,
    issueNumber: r.issue_number,
    state: r.state as Incident["state"],
    status: typeof r.status === "string" ? (JSON.parse(r.status) as IncidentStatus) : r.status,
    openedAt: r.opened_at,
  };
}
