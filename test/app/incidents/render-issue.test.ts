import { describe, expect, it } from "vitest";
import { issueBody, issueTitle } from "../../../src/app/incidents/render-issue.js";
import type { IncidentFacts, GithubRepo } from "../../../src/app/incidents/render-issue.js";
import { describeChange, isClean } from "../../../src/app/incidents/render-status.js";
import { fingerprint } from "../../../src/findings/fingerprint.js";
import { redact } from "../../../src/findings/redact.js";
import { fakeKey } from "../../helpers/keys.js";

const repo: GithubRepo = { fullName: "acme/shop", htmlUrl: "https://github.com/acme/shop", isPublic: true, defaultBranch: "main" };
const key = fakeKey();
const facts: IncidentFacts = {
  fingerprint: fingerprint(key),
  rule: "stripe-live-secret-key",
  severity: "critical",
  redacted: redact(key),
  vector: "frontend-env",
  path: "web/.env",
  member: null,
  line: 3,
  commit: "c".repeat(40),
  ref: "branch main",
  pusher: "@ada",
  replacementOf: null,
  status: { inDefaultBranchTip: true, inHistory: true, pathIgnored: false, checkedAt: "2026-11-27T10:00:00Z", checkedCommit: "d".repeat(40) },
};

describe("the incident issue", () => {
  const body = issueBody(facts, repo);

  it("says what leaked, where, by whom, and how urgent it is", () => {
    expect(issueTitle(facts)).toBe(`Leaked Stripe live secret key ${redact(key)} in \`web/.env\``);
    expect(body).toContain(`\`${redact(key)}\``);
    expect(body).toContain("**live-mode** secret key");
    expect(body).toContain(`${repo.htmlUrl}/commit/${facts.commit}`);
    expect(body).toContain(`${repo.htmlUrl}/blob/${facts.commit}/web/.env#L3`);
    expect(body).toContain("(`branch main`)");
    expect(body).toContain("**Pushed by:** @ada");
    expect(body).toContain("**This repository is public.**");
    expect(issueBody(facts, { ...repo, isPublic: false })).toContain("The repository is private");
  });

  it("walks through rotation, remediation, the vector, the clean-up and the phishing warning", () => {
    for (const s of ["Rotate key", "View request logs", "Delete key", "expiration", "payout reversals", "Refund fraudulent charges", "Workbench", "Rotate every other secret"]) {
      expect(body).toContain(s);
    }
    expect(body).toMatch(/- \[ \] /);
    expect(body).toContain("`VITE_`");
    expect(body).toContain("leakguard scrub --dry-run");
    expect(body).toContain("git push --force");
    expect(body).toContain("GitHub Support");
    expect(body).toContain("does not deactivate accounts");
  });

  it("tells a restricted test key apart from a live secret key", () => {
    const t = issueBody({ ...facts, rule: "stripe-test-restricted-key", severity: "low", vector: "mobile-app" }, repo);
    expect(t).toContain("test-mode restricted key");
    expect(t).toContain("Android or iOS");
  });

  it("shows the status table and never the key", () => {
    expect(body).toContain("| Still in the tip of `main` | ❌ yes |");
    expect(body).toContain("| `web/.env` ignored by .gitignore | ❌ no |");
    expect(body).not.toContain(key);
  });

  it("marks a replacement key loudly", () => {
    expect(issueBody({ ...facts, replacementOf: "#4" }, repo)).toContain("This key replaced the one in #4 and leaked **the same way**");
  });
});

describe("status changes", () => {
  const before = facts.status!;
  it("are described one sentence per change", () => {
    const after = { ...before, inDefaultBranchTip: false, pathIgnored: true };
    expect(describeChange(facts, before, after, repo)).toEqual([
      "The key is no longer in the tip of `main`.",
      "`web/.env` is now ignored by .gitignore.",
    ]);
    expect(describeChange(facts, before, before, repo)).toEqual([]);
    expect(isClean(facts, after)).toBe(false);
    expect(isClean(facts, { ...after, inHistory: false })).toBe(true);
  });
});
