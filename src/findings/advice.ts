import type { Vector } from "../vocabulary/index.js";
import type { Finding } from "./finding.js";

// What to do about a leak, per way it leaked: the one source every ending reads (hook
// messages, check-run annotations, the incident issue, SARIF), so that they cannot
// disagree. Written in our words from the facts in shared/reference/stripe-compromised-api-keys.md.
// It sits in findings/ because every ending already imports from here and none from another.
//
// `label` and `fix` are plain text (terminals, annotations and SARIF text show them as they
// are); `details` and HISTORY_CLEANUP.steps are for Markdown and may use inline code.

export interface Advice {
  /** How the key got where it is, to end "leaked through …". */
  readonly label: string;
  /** The fix in one or two sentences, without the rotation (each ending says that its own way). */
  readonly fix: string;
  /** The fix explained, for the incident issue's "Close the hole". */
  readonly details: readonly string[];
}

export const ADVICE = {
  dotenv: {
    label: "a committed dotenv file",
    fix: "A .env file holds a deployment's real secrets and does not belong in git: stop tracking it (git rm --cached), add it to .gitignore, and give the server its keys through its host's settings or a secret store.",
    details: [
      "A `.env` file holds the real values of a deployment. Once it is tracked, every later edit lands in history too.",
      "Stop tracking it: `git rm --cached <file>`, then add the name to `.gitignore` (the status above shows whether that is done).",
      "Commit an `.env.example` with variable names and placeholder values only.",
      "Give the deployment its secrets through the host's secret settings, not through the repository.",
    ],
  },
  "frontend-env": {
    label: "a frontend environment variable or page code that ships to browsers",
    fix: "Frontend builds copy variables such as REACT_APP_, VITE_, VUE_APP_, NUXT_ENV_, NEXT_PUBLIC_ (and Angular's environment.ts) into the code browsers download: keep the secret key on the server, the browser only needs the publishable pk_ key.",
    details: [
      "Frontend build tools copy some variables into the JavaScript they send to browsers: names starting with `REACT_APP_`, `VITE_`, `VUE_APP_`, `NUXT_ENV_`, `NEXT_PUBLIC_`, and everything in Angular's `environment*.ts`. Anyone who opens the site can read them.",
      "With Next.js (and other server-rendered setups), a secret referenced from page code can end up in the HTML of the first response.",
      "Those variables are for public values such as a publishable key (`pk_…`). Keep the secret key in server-only configuration and call Stripe from a backend route.",
      "Rebuild and redeploy after the change: the old bundles still hold the key until they are replaced (and caches may keep them longer, which is why rotation comes first).",
    ],
  },
  laravel: {
    label: "a Laravel .env file (web root or debug mode)",
    fix: "A Laravel .env in git, in the web root or printed by debug pages hands out the key: keep .env out of git and out of the public folder, and run production with APP_DEBUG=false.",
    details: [
      "Make the web server's document root Laravel's `public/` directory so that `/.env` cannot be downloaded.",
      "Set `APP_DEBUG=false` in production: Laravel's error pages, and the Ignition panel, can print environment variables, Stripe keys included.",
      "Stop tracking the `.env` file (`git rm --cached .env`) and add it to `.gitignore`.",
    ],
  },
  "cms-config": {
    label: "a CMS configuration file",
    fix: "CMS configuration files are what vulnerable plugins let attackers read: load the key from the server's environment instead, and keep the CMS and its plugins up to date.",
    details: [
      "Configuration files such as `wp-config.php` are a favourite target: an outdated or vulnerable plugin can let an attacker read them, or read the database directly.",
      "Update the CMS and every plugin, remove plugins you do not use, and keep the key out of files that the web server can serve.",
      "Keep configuration with real values out of the repository.",
    ],
  },
  "mobile-app": {
    label: "a mobile app",
    fix: "Anything built into a mobile app can be pulled out of it by whoever installs it: the app should call your backend, which alone holds the secret key.",
    details: [
      "Anything compiled into an Android or iOS app can be extracted by whoever downloads it; obfuscation does not change that.",
      "The app must talk to your own backend, which holds the key and calls Stripe. In the app itself, only a publishable key (`pk_…`) belongs.",
      "Versions already published keep the old key forever: rotating it is the only way to make them harmless.",
    ],
  },
  bundle: {
    label: "built JavaScript served to browsers",
    fix: "This is built output that clients download, so anyone can read the key in it: fix the source the value came from, keep secret keys out of build-time variables, rebuild and redeploy.",
    details: [
      "The key sits in built JavaScript, which is exactly what browsers download.",
      "Find where the value came from (usually a frontend environment variable), move it to the server, rebuild and redeploy.",
      "Keep build output (`dist/`, `build/`, `.next/`) out of the repository.",
    ],
  },
  source: {
    label: "source code",
    fix: "A key written into code travels with every copy of the code: read it at run time from the server's environment or a secret store, and commit only the variable's name.",
    details: [
      "A key written into code is shared with everyone who can read the code, now and in every future copy of it.",
      "Read the key at run time from the server's environment or a secret manager, and commit only the variable name.",
    ],
  },
} as const satisfies Record<Vector, Advice>;

/** A key in a message or a name, not in a file's content: the fix is to the message or the name. */
export const MESSAGE_ADVICE = {
  "commit-message": "The key is in a commit message: reword it (git commit --amend, or git rebase -i and 'reword').",
  "tag-message": "The key is in the tag's message: delete the tag and create it again without the key.",
  path: "The key is part of a file or directory name: rename it (git mv) so that no name holds the key, then clean the history.",
} as const satisfies Record<Exclude<Finding["source"], "file">, string>;

/** The advice for one finding: its vector's, or the message's when the key sits in a message. */
export function adviceFor(f: Pick<Finding, "rule" | "vector" | "source">): Advice {
  // A dotenv file with no key in it is told as a dotenv file whatever its content says.
  const base = f.rule === "dotenv-file" ? ADVICE[f.vector === "laravel" ? "laravel" : "dotenv"] : ADVICE[f.vector];
  return f.source === "file" ? base : { ...base, fix: MESSAGE_ADVICE[f.source] };
}

/**
 * Taking a pushed key out of history, after rotating. `leakguard scrub` prints the exact push
 * command for what it rewrote (src/scrub/next-steps.ts): in the fresh clone it requires, the
 * other branches exist only as `origin/*`, which `git push --all` would not send.
 */
export const HISTORY_CLEANUP = {
  summary:
    "After rotating, remove the key from history: run leakguard scrub in a fresh clone, then the git push --force command it prints, which names every rewritten branch and tag.",
  steps: [
    "In a fresh clone, preview the rewrite with `leakguard scrub --dry-run`, then run `leakguard scrub --yes`.",
    "Run the push command scrub prints under *Next steps* (`git push --force origin +refs/…:refs/… …`). It names every rewritten branch and tag, including the branches a fresh clone holds only as `origin/*`, which `git push --all` would leave behind with the key.",
    "Ask every collaborator to delete their clone and clone again: a pull from an old clone brings the removed history back.",
    "Ask GitHub Support to purge cached views of the old commits and the pull-request refs (`refs/pull/*`) that still point at them.",
  ],
} as const;
