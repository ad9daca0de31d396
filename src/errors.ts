// Typed errors: `code` for programs and tests, a one-line `[leakguard]` message for people.
// The CLI maps UsageError and GitError to exit 2; nothing here may carry a secret.

export class LeakguardError extends Error {
  readonly code: string = "LEAKGUARD_ERROR";
  readonly data: Record<string, unknown>;
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(`[leakguard] ${message}`);
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

/** A repository object that cannot be read or parsed. */
export class CorruptObjectError extends LeakguardError {
  override readonly code = "CORRUPT_OBJECT";
}

/** A scan stopped at its time budget; what it had found so far is not a result. */
export class ScanTimeoutError extends LeakguardError {
  override readonly code = "SCAN_TIMEOUT";
}
