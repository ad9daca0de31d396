import { describe, expect, it } from "vitest";
import { buildCheckRun } from "../../src/app/github/check-run.js";
import { issueBody } from "../../src/app/incidents/render-issue.js";
import type { IncidentFacts } from "../../src/app/incidents/render-issue.js";
import type { Vector } from "../../src/vocabulary/index.js";
import { ADVICE, adviceFor, HISTORY_CLEANUP, MESSAGE_ADVICE } from "../../src/findings/advice.js";
import { emptyStats } from "../../src/findings/collector.js";
import type { Finding } from "../../src/findings/finding.js";
import { defaultHookConfig } from "../../src/hook/config.js";
import { formatVerdict } from "../../src/hook/messages.js";
import { decideVerdict } from "../../src/hook/verdict.js";
import { formatSarif } from "../../src/report/sarif.js";

// One advice registry, four endings: what the pusher reads in the hook's refusal, the check
// run's annotation, the incident issue and the SARIF result all come from the same entry.

const VECTORS = Object.keys(ADVICE) as Vector[];

function finding(vector: Vector, over: Partial<Finding> = {}): Finding {
  return {
    rule: "stripe-live-secret-key", severity: "critical", path: "src/a.js", line: 3, column: 7, commit: "c".repeat(40),
    blob: "b".repeat(40), author: "Ada <a@x>", date: "2024-01-01T00:00:00.000Z", fingerprint: "f".repeat(32),
    redacted: "sk_live_…wxyz", vector, source: "file", ...over,
  };
}

/** Terminal lines joined back into the sentence they wrap. */
const unwrap = (s: string) => s.replace(/\n\s+/g, " ");

function endings(f: Finding) {
  const hook = formatVerdict(decideVerdict({ kind: "scanned", findings: [f], stats: emptyStats(), skippedBlobs: 0 }, defaultHookConfig(), { kind: "none" }), { gitlab: false });
  const check = buildCheckRun({ findings: [f], failOn: "high", alerts: [], forceFailure: false, scope: "this push" });
  const facts: IncidentFacts = { ...f, member: f.member ?? null, commit: f.commit, ref: null, pusher: null, replacementOf: null, status: null };
  const issue = issueBody(facts, { fullName: "acme/shop", htmlUrl: "https://github.com/acme/shop", isPublic: false, defaultBranch: "main" });
  const sarif = JSON.parse(formatSarif({ findings: [f], stats: emptyStats() }, { mode: "history", target: ".", color: false, version: "0" }));
  return { hook: unwrap(hook), annotation: check.annotations[0]?.message ?? "", issue, sarif: sarif.runs[0].results[0].message.text as string };
}

describe("the advice registry", () => {
  for (const vector of VECTORS) {
    it(`gives the hook, the check run, the issue and SARIF the same advice for ${vector}`, () => {
      const { fix, label, details } = ADVICE[vector];
      const e = endings(finding(vector));
      expect(e.hook).toContain(fix);
      expect(e.annotation).toContain(fix);
      expect(e.sarif).toContain(fix);
      expect(e.issue).toContain(fix);
      expect(e.issue).toContain(label);
      for (const d of details) expect(e.issue).toContain(d);
      // No ending carries another vector's fix.
      for (const other of VECTORS.filter((v) => v !== vector)) {
        for (const text of Object.values(e)) expect(text).not.toContain(ADVICE[other].fix);
      }
    });
  }

  it("tells a key in a commit or tag message to fix the message, in the hook and in SARIF", () => {
    for (const source of ["commit-message", "tag-message"] as const) {
      const f = finding("source", { source, path: source === "commit-message" ? "(commit message)" : "(tag v1 message)" });
      expect(adviceFor(f).fix).toBe(MESSAGE_ADVICE[source]);
      const e = endings(f);
      expect(e.hook).toContain(MESSAGE_ADVICE[source]);
      expect(e.sarif).toContain(MESSAGE_ADVICE[source]);
    }
  });

  it("tells a dotenv file as a dotenv file (or a Laravel one), whatever vector its content has", () => {
    const dotenv = { rule: "dotenv-file", redacted: null, path: ".env" } as const;
    expect(adviceFor(finding("frontend-env", dotenv))).toBe(ADVICE.dotenv);
    expect(adviceFor(finding("laravel", dotenv))).toBe(ADVICE.laravel);
  });

  it("sends history clean-up to leakguard scrub and the push command it prints, never to push --all", () => {
    const { issue, sarif } = endings(finding("source"));
    for (const step of HISTORY_CLEANUP.steps) expect(issue).toContain(step);
    expect(issue).toContain("leakguard scrub --yes");
    expect(issue).not.toMatch(/git push --force --all|--tags/);
    const rules = JSON.parse(formatSarif({ findings: [], stats: emptyStats() }, { mode: "history", target: ".", color: false, version: "0" })).runs[0].tool.driver.rules;
    expect(rules.find((r: { id: string }) => r.id === "stripe-live-secret-key").help.text).toContain(HISTORY_CLEANUP.summary);
    expect(sarif).not.toContain("--all");
  });
});
