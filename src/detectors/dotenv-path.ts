// Which paths are dotenv files. Kept apart from the detector because the scrubber and
// the hook ask the same question about paths alone.

/** `.env`, `.env.local`, `.env.production`, `.env.staging.local`, `.envrc`, at any depth. */
const DOTENV_NAME = /^\.env(?:rc|\.[^/]+)?$/;

/** Templates meant to be committed; they count only when they hold a real key. */
const TEMPLATE_SUFFIX = /\.(?:example|sample|template|dist|defaults|schema|tpl)$/i;

/** dotenv-vault's encrypted file is meant to be committed. */
const NOT_DOTENV = new Set([".env.vault", ".env.me"]);

export function baseName(path: string): string {
  const i = path.lastIndexOf("/");
  return i === -1 ? path : path.slice(i + 1);
}

export function isDotenvPath(path: string): boolean {
  const name = baseName(path);
  return DOTENV_NAME.test(name) && !NOT_DOTENV.has(name);
}

export function isDotenvTemplate(path: string): boolean {
  return isDotenvPath(path) && TEMPLATE_SUFFIX.test(baseName(path));
}
