import type { Finding, ScanResult, SuppressedFinding } from "../findings/finding.js";
import type { Severity } from "../vocabulary/index.js";
import { isLiveKey, isStripeKey, isTestKey, RULES, SEVERITIES, severityRank } from "../vocabulary/index.js";
import { adviceFor } from "../findings/advice.js";
import type { ReportContext } from "./report-context.js";
import { redactAll } from "../findings/redact.js";
import { quoteName } from "../findings/quote-name.js";
import { MAX_OCCURRENCES_PER_KEY } from "../findings/collector.js";

// For people: one block per key (per fingerprint: a dotenv file is one block per path),
// worst first, each location of the key listed under it and the advice said once; live
// keys first, test-mode keys folded below them. Then a one-line summary. JSON and SARIF
// stay one entry per location. Every name that comes from the repository (path, author)
// or from the command line (the target) is redacted and quoted: it reaches a terminal,
// and a pusher chose it.

const SGR = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
const SEVERITY_COLOR: Record<Severity, keyof typeof SGR> = { critical: "red", high: "red", medium: "yellow", low: "cyan" };
/** Test-mode keys are often repeated across fixtures (68 lines for one key in stripe-node): the first few say where. */
const TEST_LOCATIONS_SHOWN = 10;

function paint(on: boolean) {
  return (style: keyof typeof SGR, s: string) => (on ? `\x1b[${SGR[style]}m${s}\x1b[0m` : s);
}

/** Redacted (a key in a name is a key) and quoted (a name can carry escape sequences). */
const shown = (name: string) => quoteName(redactAll(name));

function where(f: Finding): string {
  const file = f.member ? `${shown(f.path)}!${shown(f.member)}` : shown(f.path);
  const at = (f.source === "path" ? `${file} (in the file name)` : `${file}:${f.line}:${f.column}`) + (f.encoding ? ` (encoded as ${f.encoding})` : "");
  if (!f.commit) return at;
  return `${at}  (commit ${f.commit.slice(0, 10)}, ${f.author === null ? "unknown" : shown(f.author)}, ${(f.date ?? "").slice(0, 10)})`;
}

function suppressedLine(f: SuppressedFinding): string {
  const by = f.suppressedBy === "inline-allow" ? "leakguard:allow" : f.suppressedBy;
  return "  " + [f.rule, f.redacted, where(f), `[${by}]`].filter(Boolean).join(" ");
}

/** Findings of one fingerprint, in the order the scan sorted them (oldest introduction first). */
function groupByKey(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = groups.get(f.fingerprint);
    if (g) g.push(f);
    else groups.set(f.fingerprint, [f]);
  }
  const worst = (g: Finding[]) => Math.min(...g.map((f) => severityRank(f.severity)));
  return [...groups.values()].sort((a, b) => worst(a) - worst(b));
}

function block(group: Finding[], c: ReturnType<typeof paint>, limit: number): string[] {
  const head = group[0]!;
  const what = head.redacted ?? shown(head.path);
  const count = group.length === 1 ? "" : `  (${group.length} locations)`;
  const lines = [`${c(SEVERITY_COLOR[head.severity], head.severity.toUpperCase().padEnd(8))} ${c("bold", RULES[head.rule].title)}  ${what}${count}`];
  for (const f of group.slice(0, limit)) lines.push(`  ${where(f)}`);
  if (group.length > limit) lines.push(`  … and ${group.length - limit} more (--format json lists every location)`);
  // The advice once per way the key leaked, not once per location.
  const fixes = [...new Set(group.map((f) => adviceFor(f).fix))];
  for (const fix of fixes) lines.push(`  Fix: ${fix}`);
  const vectors = [...new Set(group.map((f) => f.vector))].join(", ");
  lines.push(c("dim", `  rule ${head.rule} · vector ${vectors} · fingerprint ${head.fingerprint}`));
  lines.push("");
  return lines;
}

export function formatText(result: ScanResult, ctx: ReportContext): string {
  const c = paint(ctx.color);
  const lines: string[] = [];
  const groups = groupByKey(result.findings);
  const live = groups.filter((g) => !isTestKey(g[0]!.rule));
  const test = groups.filter((g) => isTestKey(g[0]!.rule));
  for (const g of live) lines.push(...block(g, c, Infinity));
  if (test.length) {
    const n = test.reduce((a, g) => a + g.length, 0);
    lines.push(c("bold", `Test-mode keys: ${test.length} key${test.length === 1 ? "" : "s"} at ${n} location${n === 1 ? "" : "s"} (they reach only test data, but rotate any that is not a public fixture)`));
    lines.push("");
    for (const g of test) lines.push(...block(g, c, TEST_LOCATIONS_SHOWN));
  }
  lines.push(summary(result, ctx));
  const { stats } = result;
  if (stats.partial && !stats.incomplete) lines.push("Note: this is a shallow clone; history before its graft point was not scanned.");
  if (stats.incomplete) lines.push(...unreadLines(stats.unreadObjects));
  if (stats.submodules) lines.push(`Note: ${stats.submodules} submodule entr${stats.submodules === 1 ? "y was" : "ies were"} skipped; scan each submodule on its own.`);
  if (stats.suppressed) {
    lines.push(`Note: ${stats.suppressed} finding(s) suppressed by leakguard:allow or the baseline:`);
    for (const f of result.suppressed ?? []) lines.push(suppressedLine(f));
  }
  if (stats.occurrencesOmitted)
    lines.push(
      `Note: ${stats.occurrencesOmitted} more place(s) of keys already listed were not listed: a file lists each key at ${MAX_OCCURRENCES_PER_KEY} of its places at most.`,
    );
  if (stats.skipped) lines.push(`Note: ${stats.skipped} entr${stats.skipped === 1 ? "y" : "ies"} skipped: not a regular file or symlink (FIFO, device, socket); git does not commit their content.`);
  if (stats.unreadable) {
    lines.push(`INCOMPLETE: ${stats.unreadable} file(s) could not be read, so this scan is not a clean bill of health:`);
    for (const u of result.unread ?? []) lines.push(`  ${shown(u.path)} (${u.reason})`);
  }
  if (result.findings.some((f) => isLiveKey(f.rule) && isStripeKey(f.rule))) {
    lines.push("A live key in git is compromised: rotate it in the Stripe Dashboard now, then remove it from history (leakguard scrub).");
  }
  return lines.join("\n") + "\n";
}

function summary({ findings, stats }: ScanResult, ctx: ReportContext): string {
  const scope =
    ctx.mode === "tree"
      ? `${stats.blobs} files`
      : `${stats.commits} commits, ${stats.blobs} blobs`;
  const size = `${(stats.bytes / 1e6).toFixed(1)} MB`;
  const target = shown(ctx.target);
  if (findings.length === 0 && (stats.incomplete || stats.unreadable)) return `Scan incomplete: no leaks found in what could be read of ${target} (${scope}, ${size}, ${stats.ms} ms).`;
  if (findings.length === 0) return `No leaks found in ${target} (${scope}, ${size}, ${stats.ms} ms).`;
  const bySeverity = SEVERITIES
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  const keys = new Set(findings.map((f) => f.fingerprint)).size;
  return `${findings.length} finding${findings.length === 1 ? "" : "s"} of ${keys} key${keys === 1 ? "" : "s"} or file${keys === 1 ? "" : "s"} (${bySeverity}) in ${target} (${scope}, ${size}, ${stats.ms} ms).`;
}

/** Incomplete is not clean (issue 8): say so, and name what was not read. */
function unreadLines(oids: readonly string[]): string[] {
  const shown = oids.slice(0, 20);
  const more = oids.length - shown.length;
  return [
    `Incomplete: ${oids.length} object(s) could not be read (a partial clone, or missing from the repository), so this is not a clean result:`,
    ...shown.map((o) => `  ${o}`),
    ...(more > 0 ? [`  … and ${more} more (--format json lists them all)`] : []),
  ];
}
