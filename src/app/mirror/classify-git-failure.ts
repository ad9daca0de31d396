import { GitError } from "../../errors.js";

// Whether a failed fetch or scan is worth another attempt. git says why only in prose on
// stderr (curl's and its own), so the decision reads the words GitHub's and curl's
// transient failures are known by; anything else (404, a refused URL, a corrupt object) is
// permanent and ends in a neutral check run at once.

export type GitFailure = { kind: "transient"; reason: string } | { kind: "auth" } | { kind: "permanent" };

const HTTP_STATUS = /(?:returned error|HTTP)[: ]+(\d{3})/i;
const AUTH = /could not read (?:Username|Password)|Authentication failed|terminal prompts disabled/i;
const NETWORK =
  /Could not resolve host|Temporary failure in name resolution|Failed to connect|Couldn't connect|Connection (?:refused|reset|timed out)|Network is unreachable|Operation (?:timed out|too slow)|Empty reply from server|early EOF|RPC failed|remote end hung up|transfer closed|unexpected disconnect|Recv failure|Send failure|SSL_|gnutls/i;
/** Spawning or running a git child failed for want of a resource, or it was killed. */
const RESOURCE = /EAGAIN|ENOMEM|EMFILE|ENFILE/;

export function classifyGitFailure(err: unknown): GitFailure {
  if (!(err instanceof GitError)) return { kind: "permanent" };
  const text = `${err.message}\n${err.stderr}`;
  const status = Number(HTTP_STATUS.exec(text)?.[1] ?? 0);
  if (status === 401 || status === 403 || AUTH.test(text)) return { kind: "auth" };
  if (status >= 500 || status === 429) return { kind: "transient", reason: `git's server answered HTTP ${status}` };
  if (status) return { kind: "permanent" };
  if (NETWORK.test(text)) return { kind: "transient", reason: "a network error" };
  if (RESOURCE.test(text)) return { kind: "transient", reason: "a git process could not start" };
  // No exit code and no spawn error: the child was killed (out of memory, an operator).
  if (err.exitCode === null && !err.message.includes("cannot run git")) return { kind: "transient", reason: "a git process was killed" };
  return { kind: "permanent" };
}
