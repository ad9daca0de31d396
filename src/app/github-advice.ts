import type { Vector } from "../vocabulary/index.js";
import type { Finding } from "../findings/finding.js";
import { ADVICE, adviceFor, HISTORY_CLEANUP } from "../findings/advice.js";

// The app's formatting of the advice registry (src/findings/advice.ts): a line for a
// check-run annotation, Markdown sections for the incident issue. The words are the registry's.

/** How the key got there, to end "leaked through …". */
export function vectorLabel(v: Vector): string {
  return ADVICE[v].label;
}

/** An annotation's advice: rotation first (the key has left the machine), then the registry's fix. */
export function annotationAdvice(f: Pick<Finding, "rule" | "vector" | "source">): string {
  return `Rotate the key. ${adviceFor(f).fix}`;
}

/** The "Close the hole" bullets: the fix in short, then explained. */
export function closeTheHole(v: Vector): string[] {
  const a = ADVICE[v];
  return [`- **${a.fix}**`, ...a.details.map((t) => `- ${t}`)];
}

/** The history clean-up checklist. */
export function historyCleanup(): string[] {
  return HISTORY_CLEANUP.steps.map((t) => `- [ ] ${t}`);
}
