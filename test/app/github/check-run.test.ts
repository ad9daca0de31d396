import { describe, expect, it } from "vitest";
import { buildCheckRun } from "../../../src/app/github/check-run.js";
import type { Finding } from "../../../src/findings/finding.js";

function finding(over: Partial<Finding>): Finding {
  return {
    rule: "stripe-live-secret-key",
    severity: "critical",
    path: "src/pay.js",
    line: 4,
    column: 9,
    commit: "a".repeat(40),
    blob: "b".repeat(40),
    author: "Ada <ada@example.com>",
    date: "2026-01-01T00:00:00Z",
    fingerprint: "f".repeat(32),
    redacted: "sk_live_…wxyz",
    vector: "source",
    source: "file",
    ...over,
  };
}

describe("buildCheckRun", () => {
  it("fails with one annotation per file finding, redacted, with advice", () => {
    const body = buildCheckRun({ findings: [finding({}), finding({ rule: "stripe-test-secret-key", severity: "medium", line: 9 })], failOn: "high", alerts: [], forceFailure: false, scope: "this push" });
    expect(body.conclusion).toBe("failure");
    expect(body.annotations).toEqual([
      expect.objectContaining({ path: "src/pay.js", start_line: 4, annotation_level: "failure", message: expect.stringMatching(/^sk_live_…wxyz: Rotate the key/) }),
      expect.objectContaining({ start_line: 9, annotation_level: "warning" }),
    ]);
  });

  it("passes a clean push, and a push whose findings are all below the threshold", () => {
    expect(buildCheckRun({ findings: [], failOn: "high", alerts: [], forceFailure: false, scope: "this push" })).toMatchObject({ conclusion: "success", title: "No leaked secrets" });
    expect(buildCheckRun({ findings: [finding({ severity: "low" })], failOn: "high", alerts: [], forceFailure: false, scope: "x" }).conclusion).toBe("success");
  });

  it("fails a replacement key whatever its severity, and says so first", () => {
    const body = buildCheckRun({ findings: [finding({ severity: "low" })], failOn: "high", alerts: ["**Replacement key exposed:** …"], forceFailure: true, scope: "x" });
    expect(body.conclusion).toBe("failure");
    expect(body.summary.startsWith("**Replacement key exposed:**")).toBe(true);
  });

  it("keeps commit-message findings out of the annotations (they have no file)", () => {
    const body = buildCheckRun({ findings: [finding({ path: "(commit message)", source: "commit-message" })], failOn: "high", alerts: [], forceFailure: false, scope: "x" });
    expect(body.annotations).toEqual([]);
    expect(body.summary).toContain("(commit message)");
  });
});
