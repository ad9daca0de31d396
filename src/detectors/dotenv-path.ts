import { backupOrigins } from "./backup-origins.js";

// Which paths are dotenv files. Kept apart from the detector because the scrubber and
// the hook ask the same question about paths alone, so it is decided by the name only.

/** `.env`, `.env.local`, `.env.production`, `.env.staging.local`, `.envrc`, at any depth. */
const DOTENV_NAME = /^\.env(?:rc|\.[^/]+)?$/;
/**
 * `prod.env`, `app.env`, `env/production.env`, kustomize's `secrets.env`
 * (secretGenerator `envs:`), docker compose `env_file:` targets. Only a name that ends in
 * `.env` (or a template suffix after it): `config.env.ts` is code, and a directory called
 * `env` or `.env` (a Python virtualenv) says nothing about the files inside it.
 */
const NAMED_ENV = /^[^/]+\.env(?:\.(?:example|sample|template|dist|defaults|schema|tpl))?$/i;

/** Templates meant to be committed; they count only when they hold a real key. */
const TEMPLATE_SUFFIX = /\.(?:example|sample|template|dist|defaults|schema|tpl)$/i;
/** `example.env`, `sample.env`, `template.env`, `prod.example.env`, `env-sample.env`. */
const TEMPLATE_STEM = /(?:^|[.\-_])(?:example|sample|template|dist|defaults|schema|tpl)\.env$/i;

/** dotenv-vault's encrypted file is meant to be committed. */
const NOT_DOTENV = new Set([".env.vault", ".env.me"]);

export function baseName(path: string): string {
  const i = path.lastIndexOf("/");
  return i === -1 ? path : path.slice(i + 1);
}

/** Names to judge: the file's own, and the one it is a copy of (`.env~`, `prod.env.bak`). */
function namesOf(path: string): string[] {
  const name = baseName(path);
  return [name, ...backupOrigins(name)];
}

const isDotenvName = (name: string) => (DOTENV_NAME.test(name) || NAMED_ENV.test(name)) && !NOT_DOTENV.has(name);

export function isDotenvPath(path: string): boolean {
  const names = namesOf(path);
  return !names.some((n) => NOT_DOTENV.has(n)) && names.some(isDotenvName);
}

export function isDotenvTemplate(path: string): boolean {
  return isDotenvPath(path) && namesOf(path).some((n) => isDotenvName(n) && (TEMPLATE_SUFFIX.test(n) || TEMPLATE_STEM.test(n)));
}
