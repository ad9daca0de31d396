import type { Finding } from "../findings/finding.js";
import { RULES } from "../detectors/types.js";
import type { Verdict } from "./verdict.js";
import { BYPASS_OPTION } from "./bypass.js";
import { adviceFor, NEXT_STEPS } from "./advice.js";

// The text git relays to the pusher as `remote:` lines. Only Finding fields reach it, so
// no raw key can; the caller still passes it through redactAll before writing.

/** GitLab shows hook output in its web UI only on lines that carry this prefix. */
export const GITLAB_PREFIX = "GL-HOOK-ERR: ";

/** Findings listed in full per list (blocking, warnings); the rest are counted. */
const MAX_LISTED = 50;

export function isGitLab(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env["GL_ID"] || env["GL_PROTOCOL"]);
}

export function formatVerdict(v: Verdict, opts: { gitlab: boolean }): string {
  const lines = verdictLines(v);
  if (lines.length === 0) return "";
  const prefix = opts.gitlab ? GITLAB_PREFIX : "";
  return lines.map((l) => prefix + l).join("\n") + "\n";
}

function verdictLines(v: Verdict): string[] {
  const out: string[] = [];
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? "" : "s"}`;
  switch (v.status) {
    case "clean":
      break;
    case "warned":
      out.push(`[leakguard] push accepted with ${n(v.warnings.length, "warning")} (below the blocking severity):`);
      break;
    case "rejected":
      out.push(`[leakguard] push rejected: ${n(v.blocking.length, "secret")} found in the commits you are pushing.`);
      break;
    case "bypassed":
      out.push(`[leakguard] push accepted on bypass ('${reasonOf(v)}'); the bypass is recorded in the audit log.`);
      break;
    case "failed-open":
      out.push(`[leakguard] warning: ${problemText(v)}; the server accepts unscanned pushes (failMode: open).`);
      break;
    case "failed-closed":
      out.push(`[leakguard] push rejected: ${problemText(v)}, and this server rejects pushes it could not scan (failMode: closed).`);
      if (v.problem?.kind === "timeout") {
        out.push("  A smaller push scans faster: push the older commits first (git push origin <commit>:<branch>), then the rest.");
      }
      break;
  }
  // Hostile content can hold 100,000 keys: the pusher sees the first ones and the count.
  const listed = (fs: Finding[]) => {
    for (const f of fs.slice(0, MAX_LISTED)) out.push("", ...findingBlock(f));
    if (fs.length > MAX_LISTED) out.push("", `[leakguard] ... and ${n(fs.length - MAX_LISTED, "more finding")} like these, not listed.`);
  };
  listed(v.blocking);
  if (v.warnings.length && v.status !== "warned") out.push("", `[leakguard] and ${n(v.warnings.length, "warning")} (not blocking):`);
  listed(v.warnings);
  if (v.skippedBlobs > 0) out.push("", `[leakguard] note: ${n(v.skippedBlobs, "file")} over the size limit (maxBlobBytes) were not scanned.`);
  if (v.status === "rejected") out.push("", ...NEXT_STEPS);
  if (v.status === "rejected" || v.status === "failed-closed") out.push(...bypassHelp(v));
  return out;
}

function findingBlock(f: Finding): string[] {
  const what = f.redacted ? `${f.redacted} (${RULES[f.rule].title})` : RULES[f.rule].title;
  const where = f.source === "file" ? `${f.path}, line ${f.line}` : f.path;
  return [
    `  ${f.rule} [${f.severity}]: ${what}`,
    `    ${(f.source === "file" ? "file:" : "where:").padEnd(8)}${where}`,
    `    commit: ${f.commit ?? "(none)"}`,
    ...adviceFor(f).map((l) => `    ${l}`),
  ];
}

function bypassHelp(v: Verdict): string[] {
  if (!v.bypassAllowed) {
    return v.bypass.kind === "none" ? [] : ["", "[leakguard] bypass is turned off on this server; ask its operators if this is a false positive."];
  }
  if (v.bypass.kind === "unknown-reason") {
    return ["", `[leakguard] '${v.bypass.reason}' is not a bypass reason here; use one of: ${v.bypassReasons.join(", ")}.`];
  }
  const lead = v.status === "failed-closed" ? "To push it anyway, on the record" : "If this is not a real secret, push with";
  return ["", `${lead}: git push -o ${BYPASS_OPTION}=<reason>`, `  reasons: ${v.bypassReasons.join(", ")} (every bypass is logged)`];
}

function reasonOf(v: Verdict): string {
  return v.bypass.kind === "none" ? "" : v.bypass.reason;
}

function problemText(v: Verdict): string {
  if (v.problem?.kind === "timeout") return `the scan did not finish within its time budget (${v.problem.budgetMs} ms)`;
  if (v.problem?.kind === "error") return `the scan failed (${v.problem.message.replace(/^\[leakguard\] /, "")})`;
  return "the scan did not finish";
}
