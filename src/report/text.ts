import type { Finding, ScanResult, SuppressedFinding } from "../findings/finding.js";
import type { Severity } from "../detectors/types.js";
import { RULES } from "../detectors/types.js";
import type { ReportContext } from "./context.js";
import { redactAll } from "../findings/redact.js";
import { quoteName } from "./quote-name.js";

// For people: one block per finding, worst first, then a one-line summary. Every name
// that comes from the repository (path, author) or from the command line (the target)
// is redacted and quoted: it reaches a terminal, and a pusher chose it.

const SGR = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
const SEVERITY_COLOR: Record<Severity, keyof typeof SGR> = { critical: "red", high: "red", medium: "yellow", low: "cyan" };
const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

function paint(on: boolean) {
  return (style: keyof typeof SGR, s: string) => (on ? `\x1b[${SGR[style]}m${s}\x1b[0m` : s);
}

/** Redacted (a key in a name is a key) and quoted (a name can carry escape sequences). */
const shown = (name: string) => quoteName(redactAll(name));

function where(f: Finding): string {
  const at = f.source === "path" ? `${shown(f.path)} (in the file name)` : `${shown(f.path)}:${f.line}:${f.column}`;
  if (!f.commit) return at;
  return `${at}  (commit ${f.commit.slice(0, 10)}, ${f.author === null ? "unknown" : shown(f.author)}, ${(f.date ?? "").slice(0, 10)})`;
}

function suppressedLine(f: SuppressedFinding): string {
  const by = f.suppressedBy === "inline-allow" ? "leakguard:allow" : f.suppressedBy;
  return "  " + [f.rule, f.redacted, where(f), `[${by}]`].filter(Boolean).join(" ");
}

export function formatText(result: ScanResult, ctx: ReportContext): string {
  const c = paint(ctx.color);
  const lines: string[] = [];
  const sorted = [...result.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  for (const f of sorted) {
    const what = f.redacted ?? "(the file itself)";
    lines.push(`${c(SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8))} ${c("bold", RULES[f.rule].title)}  ${what}`);
    lines.push(`  ${where(f)}`);
    if (f.member || f.encoding) lines.push(`  ${[f.member && `in archive member ${shown(f.path)}!${shown(f.member)}`, f.encoding && `encoded as ${f.encoding}`].filter(Boolean).join(" · ")}`);
    lines.push(c("dim", `  rule ${f.rule} · vector ${f.vector} · fingerprint ${f.fingerprint}`));
    lines.push("");
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
  if (stats.skipped) lines.push(`Note: ${stats.skipped} entr${stats.skipped === 1 ? "y" : "ies"} skipped: not a regular file or symlink (FIFO, device, socket); git does not commit their content.`);
  if (stats.unreadable) {
    lines.push(`INCOMPLETE: ${stats.unreadable} file(s) could not be read, so this scan is not a clean bill of health:`);
    for (const u of result.unread ?? []) lines.push(`  ${shown(u.path)} (${u.reason})`);
  }
  if (result.findings.some((f) => f.rule.startsWith("stripe-live"))) {
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
  const bySeverity = (["critical", "high", "medium", "low"] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  return `${findings.length} finding${findings.length === 1 ? "" : "s"} (${bySeverity}) in ${target} (${scope}, ${size}, ${stats.ms} ms).`;
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
