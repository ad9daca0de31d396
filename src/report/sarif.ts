import type { Finding, ScanResult } from "../findings/finding.js";
import type { RuleId, Severity } from "../detectors/types.js";
import { RULES } from "../detectors/types.js";
import type { ReportContext } from "./context.js";

// SARIF 2.1.0 as GitHub code scanning reads it: rules carry `security-severity` (a CVSS-like
// number GitHub maps to critical/high/medium/low) and results carry partialFingerprints so
// that alerts follow the key, not its line.

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.0", low: "2.0" };

const HELP: Record<RuleId, string> = {
  "stripe-live-secret-key":
    "A live secret key can charge cards, refund, read customer data and move payouts. Rotate it in the Stripe Dashboard now, check the key's request logs for activity you do not recognise, keep the replacement out of the repository, and remove the old one from history.",
  "stripe-live-restricted-key":
    "A live restricted key can do whatever its permissions allow. Rotate it, review its request logs, and keep the replacement in the server's configuration rather than in the repository.",
  "stripe-test-secret-key":
    "Test keys move no money, but a committed test key shows where the live one is likely to end up. Move it to configuration outside the repository.",
  "stripe-test-restricted-key": "Move the test restricted key to configuration outside the repository.",
  "generic-live-secret-key":
    "A live secret key whose body Stripe never issues (another provider's, such as Paystack's). Rotate it with the provider that issued it, review its activity there, keep the replacement out of the repository, and remove the old one from history.",
  "dotenv-file":
    "A committed .env file puts every secret it ever holds into history. Remove it from the repository, add it to .gitignore, rotate what it held, and keep values in the deployment's configuration.",
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
  const ruleIds = Object.keys(RULES) as RuleId[];
  const rules = ruleIds.map((id) => ({
    id,
    name: RULES[id].title.replace(/[^A-Za-z]/g, ""),
    shortDescription: { text: RULES[id].title },
    fullDescription: { text: HELP[id] },
    help: { text: HELP[id] },
    defaultConfiguration: { level: LEVEL[RULES[id].severity] },
    properties: { tags: ["security", "secret"], "security-severity": SECURITY_SEVERITY[RULES[id].severity], precision: "high" },
  }));
  const results = result.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: {
      text: `${RULES[f.rule].title}${f.redacted ? ` ${f.redacted}` : ""} (vector: ${f.vector})${f.commit ? `, introduced in commit ${f.commit}` : ""}.`,
    },
    locations: [location(f)],
    partialFingerprints: { "leakguardFingerprint/v1": f.fingerprint },
    properties: { severity: f.severity, vector: f.vector, commit: f.commit, author: f.author, date: f.date, blob: f.blob, source: f.source },
  }));
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
        properties: { mode: ctx.mode, stats: result.stats },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
