import type { Finding, ScanStats, SuppressedFinding } from "../findings/finding.js";
import { severityAtLeast } from "../vocabulary/index.js";
import type { HookConfig } from "./config.js";
import type { BypassRequest } from "./bypass.js";
import { applyInlineAllow } from "../findings/apply-inline-allow.js";
import type { HeldAt } from "../findings/already-present.js";

/** What the scan of a push came to, before any policy is applied. */
export type ScanOutcome =
  | { kind: "scanned"; findings: Finding[]; stats: ScanStats; skippedBlobs: number; suppressed?: SuppressedFinding[]; held?: ReadonlyMap<string, HeldAt> }
  | { kind: "nothing-to-scan" }
  | { kind: "timeout"; budgetMs: number }
  | { kind: "error"; message: string };

export interface Verdict {
  accept: boolean;
  /**
   * clean: nothing found. warned: only findings below the blocking severity. rejected:
   * blocking findings. bypassed: blocking findings (or an unscanned push) let through on
   * request. failed-open / failed-closed: leakguard could not finish (time or error).
   */
  status: "clean" | "warned" | "rejected" | "bypassed" | "failed-open" | "failed-closed";
  blocking: Finding[];
  warnings: Finding[];
  /**
   * Keys the server already held before this push (a boundary commit's tree holds the
   * same fingerprint), with where: shown with the rotation advice, blocking only under
   * `blockKnownKeys`. A key listed here is in `blocking` as well when it blocks.
   */
  present: Array<Finding & { heldAt: HeldAt }>;
  problem: { kind: "timeout"; budgetMs: number } | { kind: "error"; message: string } | { kind: "incomplete"; unread: string[] } | null;
  /** `refs/replace/*` the push creates or moves, refused unless `allowReplaceRefs`. */
  replaceRefs: string[];
  skippedBlobs: number;
  /** Findings an inline `leakguard:allow` let through under the server's `inlineAllow`: always shown. */
  suppressed: Finding[];
  /** Of those, the ones that would have blocked: written to the audit log like a bypass. */
  inlineAllowed: Finding[];
  bypass: BypassRequest;
  /** Whether the config lets pushers bypass at all (so messages can say how). */
  bypassAllowed: boolean;
  /** The reasons a pusher may give (for the help line). */
  bypassReasons: readonly string[];
}

/**
 * Pure policy: scan outcome + config + bypass request -> accept or reject, and why. A
 * push that creates or moves replace refs is refused outright (no bypass: the operator's
 * `allowReplaceRefs` is the switch); an incomplete scan is a failure under `failMode`.
 */
export function decideVerdict(outcome: ScanOutcome, config: HookConfig, bypass: BypassRequest, replaceRefs: readonly string[] = []): Verdict {
  const v = decideScan(outcome, config, bypass);
  if (replaceRefs.length === 0 || config.allowReplaceRefs) return v;
  return { ...v, accept: false, status: "rejected", replaceRefs: [...replaceRefs] };
}

/** Whether a finding blocks a push under this config, before bypasses and inline allows. */
export function wouldBlock(f: Finding, config: Pick<HookConfig, "blockSeverity" | "blockDotenvFiles">): boolean {
  return severityAtLeast(f.severity, config.blockSeverity) || (config.blockDotenvFiles && f.rule === "dotenv-file");
}

function decideScan(outcome: ScanOutcome, config: HookConfig, bypass: BypassRequest): Verdict {
  const base = {
    blocking: [] as Finding[],
    warnings: [] as Finding[],
    present: [] as Verdict["present"],
    problem: null as Verdict["problem"],
    skippedBlobs: 0,
    suppressed: [] as Finding[],
    inlineAllowed: [] as Finding[],
    replaceRefs: [] as string[],
    bypass,
    bypassAllowed: config.bypass.allowed,
    bypassReasons: config.bypass.reasons,
  };
  const canBypass = config.bypass.allowed && bypass.kind === "valid";

  if (outcome.kind === "timeout" || outcome.kind === "error") {
    const problem = outcome.kind === "timeout" ? { kind: "timeout" as const, budgetMs: outcome.budgetMs } : { kind: "error" as const, message: outcome.message };
    if (config.failMode === "open") return { ...base, problem, accept: true, status: "failed-open" };
    if (canBypass) return { ...base, problem, accept: true, status: "bypassed" };
    return { ...base, problem, accept: false, status: "failed-closed" };
  }
  if (outcome.kind === "nothing-to-scan") return { ...base, accept: true, status: "clean" };

  const blocks = (f: Finding) => wouldBlock(f, config);
  // The pusher writes the allow comment: what the operator's inlineAllow does not cover
  // is judged like any other finding.
  const { findings, honoured } = applyInlineAllow(outcome.findings, outcome.suppressed, config.inlineAllow);
  // A key the server already held is not added by this push (docs/hook.md, "what a push adds").
  const held = outcome.held ?? new Map<string, HeldAt>();
  const present = findings.flatMap((f) => (held.has(f.fingerprint) ? [{ ...f, heldAt: held.get(f.fingerprint)! }] : []));
  const judged = config.blockKnownKeys ? findings : findings.filter((f) => !held.has(f.fingerprint));
  const blocking = judged.filter(blocks);
  const warnings = judged.filter((f) => !blocks(f));
  const found = { ...base, blocking, warnings, present, skippedBlobs: outcome.skippedBlobs, suppressed: honoured, inlineAllowed: honoured.filter(blocks) };
  if (blocking.length === 0 && outcome.stats.incomplete) {
    // Objects the push names that could not be read: never passed as clean.
    const problem = { kind: "incomplete" as const, unread: outcome.stats.unreadObjects };
    if (config.failMode === "open") return { ...found, problem, accept: true, status: "failed-open" };
    if (canBypass) return { ...found, problem, accept: true, status: "bypassed" };
    return { ...found, problem, accept: false, status: "failed-closed" };
  }
  if (blocking.length === 0) return { ...found, accept: true, status: warnings.length || present.length ? "warned" : "clean" };
  if (canBypass) return { ...found, accept: true, status: "bypassed" };
  return { ...found, accept: false, status: "rejected" };
}

