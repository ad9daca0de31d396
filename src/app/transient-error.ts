import { LeakguardError } from "../errors.js";

/**
 * Something failed for a passing reason (GitHub's git answered 5xx or 429, the network
 * dropped, a token was refused before it could be renewed, a git child was killed): the
 * worker sends the delivery back to the queue with a growing delay, as it does for an API
 * error, instead of ending it in a neutral check run that would lose what the push carried.
 */
export class TransientError extends LeakguardError {
  override readonly code = "TRANSIENT";
  override readonly retryable = true;
  /** What failed, for the check run of the last attempt: "fetch" or "scan". */
  readonly step: "fetch" | "scan";
  readonly reason: string;
  constructor(step: "fetch" | "scan", reason: string, cause: unknown) {
    super(`${step} failed for a passing reason: ${reason}`, {});
    this.step = step;
    this.reason = reason;
    this.cause = cause;
  }
}
