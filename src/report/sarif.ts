import type { Finding, ScanResult, SuppressedFinding } from "../findings/finding.js";
import type { RuleId, Severity } from "../vocabulary/index.js";
import { RULE_IDS, RULES } from "../vocabulary/index.js";
import type { ReportContext } from "./report-context.js";
import { redactAll } from "../findings/redact.js";
import { adviceFor, HISTORY_CLEANUP } from "../findings/advice.js";

// SARIF 2.1.0 as GitHub code scanning reads it: rules carry `security-severity` (a CVSS-like
// number GitHub maps to critical/high/medium/low) and results carry partialFingerprints so
// that alerts follow the key, not its line. A rule's help says what the rule means; each
// result carries the advice for the way its key leaked, from the registry the hook and the
// app read too (src/findings/advice.ts).

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.0", low: "2.0" };

const HELP: Record<RuleId, string> = {
  "stripe-live-secret-key":
    `A live secret key can charge cards, refund, read customer data and move payouts. Rotate it in the Stripe Dashboard now, check the key's request logs for activity you do not recognise, and keep the replacement out of the repository. ${HISTORY_CLEANUP.summary}`,
  "stripe-live-restricted-key":
    `A live restricted key can do whatever its permissions allow. Rotate it, review its request logs, and keep the replacement in the server's configuration rather than in the repository. ${HISTORY_CLEANUP.summary}`,
  "stripe-test-secret-key":
    "Test keys move no money, but a committed test key shows where the live one is likely to end up. Move it to configuration outside the repository.",
  "stripe-test-restricted-key": "Move the test restricted key to configuration outside the repository.",
  "generic-live-secret-key":
    "A live secret key whose body Stripe never issues (another provider's, such as Paystack's). Rotate it with the provider that issued it, review its activity there, keep the replacement out of the repository, and remove the old one from history.",
  "dotenv-file":
    `A committed .env file puts every secret it ever holds into history. Remove it from the repository, add it to .gitignore, rotate what it held, and keep values in the deployment's configuration. ${HISTORY_CLEANUP.summary}`,
};

function location(f: Finding) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(f.path) },
      region: { startLine: f.line, startColumn: f.column },
    },
  };
}

export function formatSarif(result: ScanResult, ctx: ReportContext): string {
  const ruleIds = RULE_IDS;
  const rules = ruleIds.map((id) => ({
    id,
    name: RULES[id].title.replace(/[^A-Za-z]/g, ""),
    shortDescription: { text: RULES[id].title },
    fullDescription: { text: HELP[id] },
    help: { text: HELP[id] },
    defaultConfiguration: { level: LEVEL[RULES[id].severity] },
    properties: { tags: ["security", "secret"], "security-severity": SECURITY_SEVERITY[RULES[id].severity], precision: "high" },
  }));
  const toResult = (f: Finding) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: {
      text: `${RULES[f.rule].title}${f.redacted ? ` ${f.redacted}` : ""} (vector: ${f.vector})${f.member ? `, in archive member ${f.path}!${f.member}` : ""}${f.encoding ? `, encoded as ${f.encoding}` : ""}${f.commit ? `, introduced in commit ${f.commit}` : ""}. ${adviceFor(f).fix}`,
    },
    locations: [location(f)],
    partialFingerprints: { "leakguardFingerprint/v1": f.fingerprint },
    properties: { severity: f.severity, vector: f.vector, commit: f.commit, author: f.author, date: f.date, blob: f.blob, source: f.source, ...(f.member ? { member: f.member } : {}), ...(f.encoding ? { encoding: f.encoding } : {}) },
  });
  // Suppressed findings are reported as SARIF suppressions (inSource: the comment in the
  // file; external: the baseline), so a viewer shows them as dismissed, never as absent.
  const suppressedResult = (f: SuppressedFinding) => ({
    ...toResult(f),
    suppressions: [
      f.suppressedBy === "baseline"
        ? { kind: "external", justification: "fingerprint listed in the baseline file" }
        : f.suppressedBy === "test-fixture"
          ? { kind: "external", justification: "test-mode key in a test-fixture path of .leakguard.yml" }
          : { kind: "inSource", justification: "leakguard:allow comment on the line" },
    ],
  });
  const results = [...result.findings.map(toResult), ...(result.suppressed ?? []).map(suppressedResult)];
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "leakguard",
            version: ctx.version,
            rules,
          },
        },
        results,
        // An incomplete scan is a failed run, not a clean one (issue 8).
        invocations: [
          {
            executionSuccessful: !result.stats.incomplete,
            toolExecutionNotifications: result.stats.unreadObjects.map((oid) => ({
              level: "error",
              message: { text: `object ${oid} could not be read; the scan is incomplete` },
              descriptor: { id: "unread-object" },
            })),
          },
        ],
        properties: { mode: ctx.mode, stats: result.stats },
      },
    ],
  };
  // Every string is redacted on the way out, whatever field it sits in.
  return JSON.stringify(log, (_k, v: unknown) => (typeof v === "string" ? redactAll(v) : v), 2) + "\n";
}
