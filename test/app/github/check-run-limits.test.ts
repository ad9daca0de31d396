import { describe, expect, it } from "vitest";
import { buildCheckRun } from "../../../src/app/github/check-run.js";
import { issueTitle } from "../../../src/app/incidents/render-issue.js";
import type { Finding } from "../../../src/findings/finding.js";

// Paths are the pusher's to lengthen (git allows thousands of characters). GitHub refuses a
// check-run summary over 65,535 characters and an issue title over 256: a push of long names
// must not cost the check run or the incident.

function finding(path: string, i: number): Finding {
  return {
    rule: "stripe-live-secret-key", severity: "critical", path, line: 1, column: 1, commit: "a".repeat(40), blob: "b".repeat(40),
    author: null, date: null, fingerprint: String(i).padStart(32, "0"), redacted: "sk_live_…wxyz", vector: "source", source: "file",
  };
}

describe("GitHub's size limits", () => {
  const long = `${"d/".repeat(2000)}pay.js`;

  it("keeps the summary under 65,535 characters, each long path cut to its end", () => {
    const findings = Array.from({ length: 100 }, (_, i) => finding(`${i}/${long}`, i));
    const body = buildCheckRun({ findings, failOn: "high", alerts: [], forceFailure: false, scope: "this push" });
    expect(body.summary.length).toBeLessThanOrEqual(65_535);
    const listed = body.summary.split("\n").filter((l) => l.startsWith("- Stripe"));
    expect(listed).toHaveLength(100);
    for (const l of listed) expect(l).toMatch(/in `…\/d\/.*\/pay\.js`:1 /);
    expect(body.annotations.every((a) => a.message.length < 600)).toBe(true);
    expect(body.conclusion).toBe("failure");
  });

  it("keeps the issue title under 256 characters, ending with the file's name", () => {
    const title = issueTitle({ ...finding(long, 0), member: null, ref: null, pusher: null, replacementOf: null, status: null });
    expect(title.length).toBeLessThanOrEqual(256);
    expect(title).toMatch(/d\/pay\.js`$/);
  });
});
