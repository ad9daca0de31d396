// Typed errors: `code` for programs and tests, `retryable` for the app's worker, a one-line
// message for people. Messages carry no `[leakguard]` prefix: the edges that show them (CLI
// stderr, hook output, app logs and delivery notes) add it with `prefixed`. Nothing here may
// carry a secret.

export type ErrorCode =
  | "LEAKGUARD_ERROR"
  | "USAGE"
  | "GIT"
  | "CORRUPT_REPOSITORY"
  | "CORRUPT_OBJECT"
  | "SCAN_TIMEOUT"
  | "TRANSIENT" // app/transient-error.ts
  | "RECHECK_BUDGET"; // app/incidents/repo-probe.ts

/** A line as leakguard shows it to a person. */
export function prefixed(message: string): string {
  return `[leakguard] ${message}`;
}

export class LeakguardError extends Error {
  readonly code: ErrorCode = "LEAKGUARD_ERROR";
  /** Whether running the same job again may succeed; the app's worker re-queues only these. */
  readonly retryable: boolean = false;
  readonly data: Record<string, unknown>;
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.data = data;
  }
}

/** Bad flags, a missing path, not a repository, an unknown revision: the user can fix it. */
export class UsageError extends LeakguardError {
  override readonly code = "USAGE";
}

/** git refused or failed; `stderr` is kept for logs, its first line for the message. */
export class GitError extends LeakguardError {
  override readonly code = "GIT";
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(message: string, exitCode: number | null, stderr: string) {
    super(message, { exitCode });
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The repository lacks an object it refers to, or holds one that cannot be read: asking again gives the same answer. */
export class CorruptRepositoryError extends LeakguardError {
  override readonly code: "CORRUPT_REPOSITORY" | "CORRUPT_OBJECT" = "CORRUPT_REPOSITORY";
}

/** One object, or git's stream of them, that cannot be parsed. */
export class CorruptObjectError extends CorruptRepositoryError {
  override readonly code = "CORRUPT_OBJECT";
}

/** A scan stopped at its time budget; what it had found so far is not a result. */
export class ScanTimeoutError extends LeakguardError {
  override readonly code = "SCAN_TIMEOUT";
}
