import { isTestKey } from "../vocabulary/index.js";
import type { Finding, SuppressedFinding } from "./finding.js";

/**
 * How far an inline `leakguard:allow` comment is honoured. The comment is written by
 * whoever writes the file, so where a push is judged (the hook, the app) it is the
 * operator who decides: "test-keys" (the default) honours it for test-mode keys only,
 * "all" for live keys too (each use is then recorded like a bypass), "none" never.
 */
export type InlineAllow = "test-keys" | "all" | "none";
export const INLINE_ALLOW = ["test-keys", "all", "none"] as const satisfies readonly InlineAllow[];

export interface InlineAllowOutcome {
  /** The findings to judge: the scan's, plus every inline-allowed one the mode does not cover. */
  findings: Finding[];
  /** Findings the comment let through under this mode: still counted and shown. */
  honoured: Finding[];
}

export function applyInlineAllow(findings: readonly Finding[], suppressed: readonly SuppressedFinding[] | undefined, mode: InlineAllow): InlineAllowOutcome {
  const covers = (f: Finding) => mode === "all" || (mode === "test-keys" && isTestKey(f.rule));
  const inline = (suppressed ?? []).filter((f) => f.suppressedBy === "inline-allow").map(({ suppressedBy: _by, ...f }) => f as Finding);
  return { findings: [...findings, ...inline.filter((f) => !covers(f))], honoured: inline.filter(covers) };
}
