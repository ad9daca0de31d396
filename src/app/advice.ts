import type { Vector } from "../detectors/types.js";

// How each way of leaking is closed, in short form for check-run annotations and in full
// for issues. Written from the facts in shared/reference/stripe-compromised-api-keys.md.

export const VECTOR_LABEL: Record<Vector, string> = {
  dotenv: "a committed dotenv file",
  "frontend-env": "a frontend environment variable or page code that ships to browsers",
  laravel: "a Laravel .env file (web root or debug mode)",
  "cms-config": "a CMS configuration file",
  "mobile-app": "a mobile app",
  bundle: "built JavaScript served to browsers",
  source: "source code",
};

export const SHORT_ADVICE: Record<Vector, string> = {
  dotenv: "Rotate the key, stop tracking the file (git rm --cached) and add it to .gitignore.",
  "frontend-env": "Rotate the key; secrets must never sit in a variable or page the frontend build inlines. Call Stripe from the server.",
  laravel: "Rotate the key; keep .env out of the web root and set APP_DEBUG=false in production.",
  "cms-config": "Rotate the key; move it out of the CMS config and update the CMS and its plugins.",
  "mobile-app": "Rotate the key; an app binary can be unpacked by anyone, so the key belongs on your backend.",
  bundle: "Rotate the key; it is in built output, so fix the source of the value and rebuild.",
  source: "Rotate the key and read it from the server's environment or secret store instead.",
};

export const FULL_ADVICE: Record<Vector, string[]> = {
  dotenv: [
    "A `.env` file holds the real values of a deployment. Once it is tracked, every later edit lands in history too.",
    "Stop tracking it: `git rm --cached <file>`, then add the name to `.gitignore` (the status above shows whether that is done).",
    "Commit an `.env.example` with variable names and placeholder values only.",
    "Give the deployment its secrets through the host's secret settings, not through the repository.",
  ],
  "frontend-env": [
    "Frontend build tools copy some variables into the JavaScript they send to browsers: names starting with `REACT_APP_`, `VITE_`, `VUE_APP_`, `NUXT_ENV_`, `NEXT_PUBLIC_`, and everything in Angular's `environment*.ts`. Anyone who opens the site can read them.",
    "With Next.js (and other server-rendered setups), a secret referenced from page code can end up in the HTML of the first response.",
    "Those variables are for public values such as a publishable key (`pk_…`). Keep the secret key in server-only configuration and call Stripe from a backend route.",
    "Rebuild and redeploy after the change: the old bundles still hold the key until they are replaced (and caches may keep them longer, which is why rotation comes first).",
  ],
  laravel: [
    "Make the web server's document root Laravel's `public/` directory so that `/.env` cannot be downloaded.",
    "Set `APP_DEBUG=false` in production: Laravel's error pages, and the Ignition panel, can print environment variables, Stripe keys included.",
    "Stop tracking the `.env` file (`git rm --cached .env`) and add it to `.gitignore`.",
  ],
  "cms-config": [
    "Configuration files such as `wp-config.php` are a favourite target: an outdated or vulnerable plugin can let an attacker read them, or read the database directly.",
    "Update the CMS and every plugin, remove plugins you do not use, and keep the key out of files that the web server can serve.",
    "Keep configuration with real values out of the repository.",
  ],
  "mobile-app": [
    "Anything compiled into an Android or iOS app can be extracted by whoever downloads it; obfuscation does not change that.",
    "The app must talk to your own backend, which holds the key and calls Stripe. In the app itself, only a publishable key (`pk_…`) belongs.",
    "Versions already published keep the old key forever: rotating it is the only way to make them harmless.",
  ],
  bundle: [
    "The key sits in built JavaScript, which is exactly what browsers download.",
    "Find where the value came from (usually a frontend environment variable), move it to the server, rebuild and redeploy.",
    "Keep build output (`dist/`, `build/`, `.next/`) out of the repository.",
  ],
  source: [
    "A key written into code is shared with everyone who can read the code, now and in every future copy of it.",
    "Read the key at run time from the server's environment or a secret manager, and commit only the variable name.",
  ],
};
