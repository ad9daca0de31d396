import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Finding } from "../findings/finding.js";
import type { RefUpdate } from "./parse-ref-updates.js";
import { redactAll } from "../findings/redact.js";

/**
 * One bypass (or inline allow of a blocking finding), as written to the audit log:
 * fingerprints and redacted forms, never a key. Ref names and the pusher's name are the
 * pusher's choice and are redacted too (a key pushed as a branch name is still a key).
 */
export interface AuditEntry {
  time: string;
  pusher: string;
  reason: string;
  /** False when the bypass let an unscanned push through (time budget or error, fail-closed). */
  scanned: boolean;
  refs: RefUpdate[];
  findings: Array<Pick<Finding, "rule" | "severity" | "fingerprint" | "redacted" | "path" | "commit">>;
}

export function auditEntry(opts: Omit<AuditEntry, "findings" | "time"> & { findings: readonly Finding[]; now?: Date }): AuditEntry {
  return {
    time: (opts.now ?? new Date()).toISOString(),
    pusher: redactAll(opts.pusher),
    reason: redactAll(opts.reason),
    scanned: opts.scanned,
    refs: opts.refs.map((r) => ({ ...r, ref: redactAll(r.ref) })),
    findings: opts.findings.map((f) => ({ rule: f.rule, severity: f.severity, fingerprint: f.fingerprint, redacted: f.redacted, path: redactAll(f.path), commit: f.commit })),
  };
}

/**
 * Appends one JSON line. A single small append is atomic on POSIX, so concurrent pushes
 * do not interleave. Throws if the log cannot be written: a bypass that leaves no record
 * must not go through.
 */
export function appendAuditEntry(path: string, entry: AuditEntry): void {
  mkdirSync(dirname(path), { recursive: true });
  // The replacer is the last guard: no string field leaves with a key in it.
  appendFileSync(path, JSON.stringify(entry, (_k, v: unknown) => (typeof v === "string" ? redactAll(v) : v)) + "\n", { mode: 0o640 });
}
