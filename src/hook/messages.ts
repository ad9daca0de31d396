import type { Finding } from "../findings/finding.js";
import { RULES } from "../vocabulary/index.js";
import type { Verdict } from "./verdict.js";
import type { HeldAt } from "../findings/already-present.js";
import { BYPASS_OPTION } from "./bypass.js";
import { renderAdvice, NEXT_STEPS } from "./render-advice.js";
import { redactAll } from "../findings/redact.js";
import { quoteName } from "../findings/quote-name.js";
import { escapeControls } from "../findings/escape-controls.js";

// The text git relays to the pusher as `remote:` lines. Only Finding fields reach it, so
// no raw key can; the caller still passes it through redactAll before writing. Names the
// pusher chose (paths, the bypass reason) are quoted as git quotes paths: git relays
// control characters as they are, so a path could otherwise drive the pusher's terminal
// (or a web UI's log view) or forge `remote:` lines.

const shown = (name: string) => quoteName(redactAll(name));

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
  const n = (k: number, word: string, plural = `${word}s`) => `${k} ${k === 1 ? word : plural}`;
  switch (v.status) {
    case "clean":
      break;
    case "warned":
      if (v.warnings.length) out.push(`[leakguard] push accepted with ${n(v.warnings.length, "warning")} (below the blocking severity):`);
      else out.push(`[leakguard] push accepted: it adds no new secret, but it touches ${n(v.present.length, "secret")} this server already held before it.`);
      break;
    case "rejected":
      if (v.replaceRefs.length) {
        out.push(
          `[leakguard] push rejected: it creates or moves ${n(v.replaceRefs.length, "replace ref")} (${v.replaceRefs.slice(0, 3).join(", ")}${v.replaceRefs.length > 3 ? ", …" : ""}).`,
          "  A replace ref makes git show one commit in place of another; this server does not accept them (allowReplaceRefs: false).",
        );
      }
      if (v.blocking.length || !v.replaceRefs.length) out.push(`[leakguard] push rejected: ${n(v.blocking.length, "secret")} found in the commits you are pushing.`);
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
  const heldAt = new Map(v.present.map((f) => [f.fingerprint, f.heldAt] as const));
  const blockingHeld = v.blocking.filter((f) => heldAt.has(f.fingerprint));
  // Hostile content can hold 100,000 keys: the pusher sees the first ones and the count.
  const listed = (fs: readonly Finding[], held: (f: Finding) => ReturnType<typeof heldAt.get> = (f) => heldAt.get(f.fingerprint)) => {
    for (const f of fs.slice(0, MAX_LISTED)) out.push("", ...findingBlock(f, held(f)));
    if (fs.length > MAX_LISTED) out.push("", `[leakguard] ... and ${n(fs.length - MAX_LISTED, "more finding")} like these, not listed.`);
  };
  listed(v.blocking);
  if (v.warnings.length && v.status !== "warned") out.push("", `[leakguard] and ${n(v.warnings.length, "warning")} (not blocking):`);
  listed(v.warnings, () => undefined);
  const blockingFps = new Set(v.blocking.map((b) => b.fingerprint));
  const shownHeld = v.present.filter((f) => !blockingFps.has(f.fingerprint));
  if (shownHeld.length) {
    out.push(
      "",
      `[leakguard] ${n(shownHeld.length, "secret")} already on this server before this push (not added by it, so not blocking; blockKnownKeys: false):`,
      "  Such a secret has been readable by everyone with access to this repository since it was first pushed.",
    );
    listed(shownHeld, (f) => (f as (typeof shownHeld)[number]).heldAt);
    out.push("", ...HELD_STEPS);
  }
  if (v.suppressed.length) {
    out.push("", `[leakguard] ${n(v.suppressed.length, "finding")} let through by a leakguard:allow comment (this server's inlineAllow allows it):`);
    for (const f of v.suppressed) out.push(`  ${f.rule} [${f.severity}]: ${f.redacted ?? RULES[f.rule].title}, ${whereOf(f)}`);
    if (v.inlineAllowed.length) out.push(`  ${v.inlineAllowed.length} of them would have blocked the push: recorded in the audit log.`);
  }
  if (v.skippedBlobs > 0) out.push("", `[leakguard] note: ${n(v.skippedBlobs, "file")} over the size limit (maxBlobBytes) were not scanned.`);
  if (v.status === "rejected" && v.blocking.length && blockingHeld.length === v.blocking.length) {
    // Nothing new was refused: the steps for a key that was never kept would not be true.
    out.push(
      "",
      "[leakguard] every secret that blocks this push was already on this server before it; this server's blockKnownKeys: true refuses pushes that touch them.",
      ...HELD_STEPS,
      "  3. Push again once the commits you push no longer hold the key.",
    );
  } else if (v.status === "rejected" && v.blocking.length) {
    out.push("", ...NEXT_STEPS);
    if (blockingHeld.length) {
      out.push(`  ${n(blockingHeld.length, "of these secrets was", "of these secrets were")} already on this server before this push (marked "already in"): this server's blockKnownKeys: true refuses those too; they are exposed here already, so rotate them first.`);
    }
  }
  if (v.status === "rejected" || v.status === "failed-closed") out.push(...bypassHelp(v));
  return out;
}

function whereOf(f: Finding): string {
  if (f.source === "file") return `${shown(f.path)}${f.member ? `!${shown(f.member)}` : ""}, line ${f.line}${f.encoding ? ` (${f.encoding}-encoded)` : ""}`;
  if (f.source === "path") return `${shown(f.path)} (the key is in the name itself)`;
  return shown(f.path);
}

/** What to do about a key the server already had: the push is fine, the key is not. */
const HELD_STEPS: readonly string[] = [
  "What to do about them:",
  "  1. Rotate a live key in the Stripe Dashboard (Developers > API keys > Rotate key) if that is not done yet,",
  "     move your backend to the new key, and read the old key's request logs for activity you do not recognise.",
  "  2. Then remove it from history: leakguard scrub in a fresh clone, and the push command it prints.",
];

function findingBlock(f: Finding, held?: HeldAt): string[] {
  const what = f.redacted ? `${f.redacted} (${RULES[f.rule].title})` : RULES[f.rule].title;
  const label = f.source === "file" ? "file:" : f.source === "path" ? "name:" : "where:";
  return [
    `  ${f.rule} [${f.severity}]: ${what}`,
    `    ${label.padEnd(8)}${whereOf(f)}`,
    `    commit: ${f.commit ?? "(none)"}`,
    ...(held ? [`    already in: ${shown(held.path)} (commit ${held.commit}, which this server had before the push)`] : []),
    ...renderAdvice(f).map((l) => `    ${l}`),
  ];
}

function bypassHelp(v: Verdict): string[] {
  if (!v.bypassAllowed) {
    return v.bypass.kind === "none" ? [] : ["", "[leakguard] bypass is turned off on this server; ask its operators if this is a false positive."];
  }
  if (v.bypass.kind === "unknown-reason") {
    return ["", `[leakguard] ${shown(`'${v.bypass.reason}'`)} is not a bypass reason here; use one of: ${v.bypassReasons.join(", ")}.`];
  }
  const lead = v.status === "failed-closed" ? "To push it anyway, on the record" : "If this is not a real secret, push with";
  return ["", `${lead}: git push -o ${BYPASS_OPTION}=<reason>`, `  reasons: ${v.bypassReasons.join(", ")} (every bypass is logged)`];
}

function reasonOf(v: Verdict): string {
  return v.bypass.kind === "none" ? "" : shown(v.bypass.reason);
}

function problemText(v: Verdict): string {
  if (v.problem?.kind === "timeout") return `the scan did not finish within its time budget (${v.problem.budgetMs} ms)`;
  if (v.problem?.kind === "error") return `the scan failed (${escapeControls(v.problem.message, { oneLine: true })})`;
  if (v.problem?.kind === "incomplete") {
    const ids = v.problem.unread;
    return `the scan is incomplete: ${ids.length} object${ids.length === 1 ? "" : "s"} could not be read (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""})`;
  }
  return "the scan did not finish";
}
