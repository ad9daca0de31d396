import { APP_ENV_VARS } from "../config/env.js";

// The app's own secrets never reach a child process (issue 9, item 7): git, and whatever a
// hostile repository's config makes git run, would otherwise inherit the private key and
// the webhook secret from process.env.

const APP_VARS: ReadonlySet<string> = new Set<string>([...APP_ENV_VARS, "DATABASE_URL", "WEBHOOK_PROXY_URL", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"]);
// Anything else named like a credential: git needs none of them to fetch with the token it is given.
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSPHRASE|PRIVATE_KEY|CREDENTIAL|DATABASE_URL/i;

export function isAppSecret(name: string): boolean {
  return APP_VARS.has(name) || SECRET_NAME.test(name);
}

/** A copy of `env` without the app's configuration or anything named like a secret: the environment for git. */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isAppSecret(name)));
}

/**
 * Deletes the same variables from `env` in place. The app calls it on process.env once its
 * configuration is read, so that code which spawns git with the default environment
 * (the scan engine) cannot hand the secrets on either.
 */
export function stripAppSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(env)) if (isAppSecret(name)) delete env[name];
}
