import type { Finding } from "../findings/finding.js";
import type { Vector } from "../detectors/types.js";

// One or two lines per way a key gets exposed, in our words, from the Stripe guidance on
// compromised keys: what went wrong in this file and where the key belongs instead.

const BY_VECTOR: Record<Vector, readonly string[]> = {
  dotenv: [
    "A .env file holds the server's secrets and does not belong in git: delete it from the commits,",
    "add it to .gitignore, and give the server its keys through its own configuration or secret store.",
  ],
  "frontend-env": [
    "Your frontend build copies variables like this one (REACT_APP_, VITE_, NEXT_PUBLIC_, environment.ts...)",
    "into the code it sends to browsers. Secret keys stay on the server; the browser only needs the pk_ key.",
  ],
  laravel: [
    "A Laravel .env in git (or in the web root, or printed by APP_DEBUG error pages) hands out the key:",
    "keep .env out of git and out of the public folder, and run production with APP_DEBUG=false.",
  ],
  "cms-config": [
    "CMS configuration files are what vulnerable plugins let attackers read: load the key from",
    "the server environment instead, and keep the CMS and its plugins up to date.",
  ],
  "mobile-app": [
    "Anything built into a mobile app can be pulled out of it by whoever installs it: the app should",
    "call your backend, which alone holds the secret key.",
  ],
  bundle: [
    "This is built output that is served to clients, so anyone who downloads it can read the key:",
    "fix the source it was built from and keep secret keys out of build-time variables.",
  ],
  source: [
    "A key written into code travels with every copy of the code: read it at run time from",
    "an environment variable or a secret store.",
  ],
};

export function adviceFor(f: Finding): readonly string[] {
  if (f.source === "commit-message") return ["The key is in a commit message: reword it (git commit --amend, or git rebase -i and 'reword')."];
  if (f.source === "tag-message") return ["The key is in the tag's message: delete the local tag and create it again without the key."];
  if (f.rule === "dotenv-file") return BY_VECTOR[f.vector === "laravel" ? "laravel" : "dotenv"];
  if (f.rule === "generic-live-secret-key") return ["Not a Stripe key: rotate it with the provider that issued it (its dashboard), not Stripe's.", ...BY_VECTOR[f.vector]];
  return BY_VECTOR[f.vector];
}

/** What the pusher does now; rotation first, because a key that left the machine is spent. */
export const NEXT_STEPS: readonly string[] = [
  "What to do now:",
  "  1. This server did not keep the key. If it has been anywhere else (another remote, a deploy,",
  "     a CI log, a chat), treat it as compromised: rotate it in the Stripe Dashboard (Developers >",
  "     API keys > Rotate key), move your backend to the new key, delete the old one, and read",
  "     its request logs for activity you do not recognise.",
  "  2. Take it out of your local commits: 'git commit --amend' for the last commit,",
  "     'git rebase -i <base>' for older ones, or 'leakguard scrub' for many.",
  "  3. Push again.",
];
