import type { Finding } from "../findings/finding.js";
import { adviceFor as registryAdvice } from "../findings/advice.js";

// The advice under each finding of a refused push: the registry's fix for the way the key got
// there (src/findings/advice.ts, shared with the app and SARIF), wrapped for a terminal.

const WIDTH = 96;

function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function renderAdvice(f: Finding): readonly string[] {
  const lines = wrap(registryAdvice(f).fix);
  // Not Stripe's key: its rotation happens at the provider that issued it.
  return f.rule === "generic-live-secret-key" ? ["Not a Stripe key: rotate it with the provider that issued it (its dashboard), not Stripe's.", ...lines] : lines;
}

/** What the pusher does now; rotation first, because a key that left the machine is spent. */
export const NEXT_STEPS: readonly string[] = [
  "What to do now:",
  "  1. This server refused the push, so it did not keep the new key. If the key has been",
  "     anywhere else (another remote, a deploy, a CI log, a chat), treat it as compromised: rotate",
  "     it in the Stripe Dashboard (Developers > API keys > Rotate key), move your backend to the",
  "     new key, delete the old one, and read its request logs for activity you do not recognise.",
  "  2. Take it out of your local commits: 'git commit --amend' for the last commit,",
  "     'git rebase -i <base>' for older ones, or 'leakguard scrub' for many.",
  "  3. Push again.",
];
