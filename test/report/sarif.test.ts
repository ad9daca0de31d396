import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { formatSarif } from "../../src/report/sarif.js";
import type { Finding, ScanResult } from "../../src/findings/finding.js";
import { fingerprint } from "../../src/findings/fingerprint.js";
import { redact } from "../../src/findings/redact.js";
import { fakeKey } from "../helpers/keys.js";

// The published SARIF 2.1.0 schema (shipped by @microsoft/jest-sarif).
const require = createRequire(import.meta.url);
const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
// CommonJS packages whose default export node16 typing does not see through
const Ajv: typeof import("ajv-draft-04").default = require("ajv-draft-04").default;
const addFormats: typeof import("ajv-formats").default = require("ajv-formats").default;

function finding(over: Partial<Finding> = {}): Finding {
  const key = fakeKey();
  return {
    rule: "stripe-live-secret-key",
    severity: "critical",
    path: "src/pay ment.js",
    line: 3,
    column: 9,
    commit: "a".repeat(40),
    blob: "b".repeat(40),
    author: "Ada <ada@example.com>",
    date: "2024-01-02T03:04:05+00:00",
    fingerprint: fingerprint(key),
    redacted: redact(key),
    vector: "source",
    source: "file",
    ...over,
  };
}

const stats = { commits: 3, blobs: 4, bytes: 100, ms: 5, submodules: 0, suppressed: 0, unreadable: 0, partial: false };
const ctx = { mode: "history", target: ".", color: false, version: "0.1.0" } as const;

describe("formatSarif", () => {
  const result: ScanResult = {
    findings: [finding(), finding({ rule: "dotenv-file", severity: "low", redacted: null, path: ".env", line: 1, column: 1, vector: "dotenv" })],
    stats,
  };
  const log = JSON.parse(formatSarif(result, ctx));

  // the schema has a pattern that is invalid under the u flag
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it("validates against the published SARIF 2.1.0 schema", () => {
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it("(the schema check itself rejects a malformed log)", () => {
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = "critical";
    expect(validate(broken)).toBe(false);
  });

  it("gives GitHub code scanning what it ranks and tracks by", () => {
    const [rule] = log.runs[0].tool.driver.rules;
    expect(rule.properties["security-severity"]).toBe("9.5");
    const [r] = log.runs[0].results;
    expect(r).toMatchObject({ ruleId: "stripe-live-secret-key", level: "error" });
    expect(r.partialFingerprints["leakguardFingerprint/v1"]).toBe(result.findings[0]!.fingerprint);
    expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe("src/pay%20ment.js");
    expect(r.locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 9 });
  });

  it("an empty scan is still a valid log with the rules", () => {
    const empty = JSON.parse(formatSarif({ findings: [], stats }, ctx));
    expect(empty.runs[0].results).toEqual([]);
    expect(empty.runs[0].tool.driver.rules).toHaveLength(6);
  });
});
