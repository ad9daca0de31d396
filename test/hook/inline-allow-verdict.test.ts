import { describe, expect, it } from "vitest";
import type { Finding, SuppressedFinding } from "../../src/findings/finding.js";
import { emptyStats } from "../../src/findings/collector.js";
import { defaultHookConfig } from "../../src/hook/config.js";
import type { HookConfig } from "../../src/hook/config.js";
import { decideVerdict } from "../../src/hook/verdict.js";
import type { ScanOutcome } from "../../src/hook/verdict.js";
import { formatVerdict } from "../../src/hook/messages.js";

// The policy alone: an inline `leakguard:allow` (a suppressed finding from the scan) under
// each `inlineAllow` mode. The real pushes are in pre-receive-safety.test.ts.

function finding(over: Partial<Finding>): Finding {
  return {
    rule: "stripe-live-secret-key", severity: "critical", path: "src/a.js", line: 3, column: 7, commit: "c".repeat(40),
    blob: "b".repeat(40), author: "Ada <a@x>", date: "2024-01-01T00:00:00.000Z", fingerprint: "f".repeat(16),
    redacted: "sk_live_…wxyz", vector: "source", source: "file", ...over,
  };
}
const allowed = (f: Finding): SuppressedFinding => ({ ...f, suppressedBy: "inline-allow" });
const scanned = (findings: Finding[], suppressed: SuppressedFinding[]): ScanOutcome => ({ kind: "scanned", findings, stats: emptyStats(), skippedBlobs: 0, suppressed });
const cfg = (over: Partial<HookConfig> = {}): HookConfig => ({ ...defaultHookConfig(), ...over });
const none = { kind: "none" } as const;

describe("decideVerdict and leakguard:allow", () => {
  const live = finding({});
  const test = finding({ rule: "stripe-test-secret-key", severity: "medium", redacted: "sk_test_…abcd" });

  it("test-keys (the default): a live key behind the comment blocks; a test key is honoured and shown", () => {
    const v = decideVerdict(scanned([], [allowed(live), allowed(test)]), cfg(), none);
    expect(v).toMatchObject({ accept: false, status: "rejected", blocking: [live], suppressed: [test], inlineAllowed: [] });
    expect(formatVerdict(v, { gitlab: false })).toContain("1 finding let through by a leakguard:allow comment");
  });

  it("all: the live key is let through and marked for the audit log", () => {
    const v = decideVerdict(scanned([], [allowed(live)]), cfg({ inlineAllow: "all" }), none);
    expect(v).toMatchObject({ accept: true, status: "clean", blocking: [], suppressed: [live], inlineAllowed: [live] });
    expect(formatVerdict(v, { gitlab: false })).toContain("recorded in the audit log");
  });

  it("none: the comment counts for nothing, even on a test key", () => {
    const v = decideVerdict(scanned([], [allowed(test)]), cfg({ inlineAllow: "none", blockSeverity: "medium" }), none);
    expect(v).toMatchObject({ accept: false, blocking: [test], suppressed: [] });
  });

  it("a baseline suppression is not an inline allow (the hook has no baseline to honour)", () => {
    const v = decideVerdict(scanned([], [{ ...live, suppressedBy: "baseline" }]), cfg({ inlineAllow: "all" }), none);
    expect(v).toMatchObject({ accept: true, suppressed: [], inlineAllowed: [] });
  });
});
