import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatText } from "../../src/report/text.js";
import type { Finding, ScanResult } from "../../src/findings/finding.js";
import { fingerprint } from "../../src/findings/fingerprint.js";
import { redact } from "../../src/findings/redact.js";
import { fakeKey, redacted } from "../helpers/keys.js";

// The grouped text report (issue 11): one block per key, every location under it, the
// advice once, live keys first and test-mode keys folded below. The golden file holds
// only redacted forms (an ellipsis in place of the key's body) and fingerprints.

const golden = (name: string) => readFileSync(new URL(`./golden/${name}`, import.meta.url), "utf8");
const stats = { commits: 30, blobs: 40, bytes: 1_500_000, ms: 12, submodules: 0, suppressed: 0, unreadable: 0, partial: false, incomplete: false, unreadObjects: [] };
const ctx = { mode: "history", target: "shop", color: false, version: "0.1.0" } as const;

function at(over: Partial<Finding> & Pick<Finding, "rule" | "fingerprint" | "redacted">, i: number): Finding {
  return {
    severity: over.rule === "stripe-test-secret-key" ? "medium" : over.rule === "dotenv-file" ? "high" : "critical",
    path: `src/file${i}.js`,
    line: i + 1,
    column: 7,
    commit: String(i).padStart(2, "0").repeat(20),
    blob: "b".repeat(40),
    author: "Ada Dev <ada@example.com>",
    date: "2024-01-02T03:04:05+00:00",
    vector: "source",
    source: "file",
    ...over,
  };
}

/** Fixed stand-ins: what the report shows of a key is its redacted form and its fingerprint. */
const LIVE = { rule: "stripe-live-secret-key", fingerprint: fingerprint("golden-live"), redacted: "sk_live_…wxyz" } as const;
const TEST = { rule: "stripe-test-secret-key", fingerprint: fingerprint("golden-test"), redacted: "sk_test_…abcd" } as const;
const TEST2 = { rule: "stripe-test-secret-key", fingerprint: fingerprint("golden-test-2"), redacted: "sk_test_…efgh" } as const;
const DOTENV = { rule: "dotenv-file", fingerprint: fingerprint("dotenv-file:.env"), redacted: null, path: ".env", vector: "dotenv" } as const;

describe("the text report", () => {
  it("groups findings by key, live keys first, test-mode keys folded below with their locations summarised", () => {
    const findings: Finding[] = [
      ...Array.from({ length: 12 }, (_, i) => at({ ...TEST, path: `test/fixtures/case${i}.json` }, i)),
      at(LIVE, 1),
      at({ ...LIVE, path: "web/.env.local", vector: "frontend-env" }, 2),
      at({ ...LIVE, path: "(commit message)", source: "commit-message" }, 3),
      at({ ...DOTENV, line: 1, column: 1 }, 4),
      at({ ...DOTENV, line: 1, column: 1 }, 5),
      at({ ...TEST2, path: "spec/pay.rb" }, 6),
    ];
    const text = formatText({ findings, stats }, ctx);
    expect(text).toBe(golden("text-grouped.txt"));
  });

  it("never shows a key, and quotes control characters in every name it lists", () => {
    const key = fakeKey();
    const f = at({ rule: "stripe-live-secret-key", fingerprint: fingerprint(key), redacted: redact(key), path: `a\x1b[2J${key}.js`, author: "Eve\x1b[8m <e@x>" }, 1);
    const result: ScanResult = { findings: [f, { ...f, path: "b\u202e.js", line: 9 }], stats };
    const text = formatText(result, { ...ctx, target: `repo\x07${key}` });
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(text).toContain(String.raw`"a\033[2J${redacted(key)}.js":2:7`);
    expect(text).toContain(String.raw`"b\342\200\256.js":9:7`);
    expect(text).toContain(String.raw`"Eve\033[8m <e@x>"`);
    // One block for the key, both locations under it.
    expect(text.match(/Stripe live secret key/g)).toHaveLength(1);
    expect(text).toContain("(2 locations)");
  });
});
