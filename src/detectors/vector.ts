import type { Vector } from "../vocabulary/index.js";
import { backupOrigins } from "./backup-origins.js";
import { baseName, isDotenvPath } from "./dotenv-path.js";

// How a key got where it is. Order matters: the most specific explanation wins, and a
// frontend variable name beats the file it sits in, because bundling is what exposes it.
// A framework is named only on its own evidence (its files, its variable names), never
// because of the directory a file sits in (issue 10 item 6).
//
// What the file says is worked out once per file (`fileFacts`), in one linear pass over
// its text; `vectorOf` then costs a regex over one line per key, so a file with many
// keys stays linear.

/** Variables that frameworks inline into browser bundles. */
const FRONTEND_VAR = /\b(?:REACT_APP_|VITE_|VUE_APP_|NUXT_ENV_|NEXT_PUBLIC_|GATSBY_|EXPO_PUBLIC_|PUBLIC_)[A-Z0-9_]*\s*[:=]/;
/** Each `NAME=value` line of an env file, from its start; `[ \t]`, not `\s`, so runs of blank lines are not re-read. */
const ENV_ASSIGNMENT = /(?:^|\n)[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*["']?([A-Za-z0-9:]{0,8})/g;
/**
 * Names that make a whole env file a frontend build's (Vite, Create React App, Vue CLI,
 * Gatsby): a secret in it is there for the browser build. Not Next.js's or Nuxt's names,
 * whose env files also feed a server that legitimately holds the secret, and not a bare
 * `PUBLIC_`, which server env files use too (`PUBLIC_KEY`).
 */
const FRONTEND_NAME = /^(?:REACT_APP_|VITE_|VUE_APP_|GATSBY_)/;
/**
 * Names that Laravel's own `.env.example` writes and other stacks do not (Symfony has
 * `APP_ENV` and `APP_SECRET`, Node apps `APP_ENV`/`APP_URL`): evidence together with an
 * `APP_` name. https://github.com/laravel/laravel/blob/11.x/.env.example
 */
const LARAVEL_NAMES = new Set(["LOG_CHANNEL", "DB_CONNECTION", "SESSION_DRIVER", "QUEUE_CONNECTION", "BROADCAST_DRIVER", "BROADCAST_CONNECTION", "FILESYSTEM_DISK", "FILESYSTEM_DRIVER", "CACHE_DRIVER", "CACHE_STORE"]);
const LARAVEL_APP_NAMES = new Set(["APP_NAME", "APP_ENV", "APP_KEY", "APP_DEBUG", "APP_URL"]);
/** Laravel writes its log, with the environment dumps of its error pages, here. */
const LARAVEL_LOG = /(?:^|\/)storage\/logs\/[^/]+\.log$/;
const CMS_CONFIG = /(?:^|\/)(?:wp-config[^/]*\.php|configuration\.php|wp-content\/.*|sites\/[^/]+\/settings[^/]*\.php|LocalSettings\.php)$/;
const ANGULAR_ENV = /(?:^|\/)src\/environments\/environment[^/]*\.ts$/;
const NEXT_PAGE = /(?:^|\/)(?:src\/)?(?:pages\/.*|app\/(?:.*\/)?(?:page|layout))\.(?:[jt]sx?|mdx)$/;
/** `app.config.ts` is Expo's dynamic config, and also Nuxt's public app config: the content says which. */
const APP_CONFIG = /^app\.config\.[cm]?[jt]s$/;
/** Nuxt ships `app.config` to the browser (https://nuxt.com/docs/guide/directory-structure/app-config). */
const NUXT_APP_CONFIG = /\bdefineAppConfig\s*\(/;
const EXPO_CONFIG = /\bExpoConfig\b|["']expo\/config["']|["']@expo\/|\bexpo\s*:/;
/** Expo's `app.json` keeps everything under a top-level `expo` key, `extra` included. */
const EXPO_APP_JSON = /"expo"\s*:/;
/** Flutter's `pubspec.yaml` depends on `sdk: flutter`; a Dart server package does not. */
const FLUTTER_PUBSPEC = /\bsdk:[ \t]*flutter\b/;
/** Expo Application Services build profiles: their `env` is baked into the app. */
const EXPO_FILES = new Set(["eas.json"]);
const MOBILE = /(?:(?:^|\/)(?:android|ios|app\/src\/main)\/|\.(?:kt|swift|m|mm|dart|plist|xcconfig|apk|ipa|aab|smali)$|(?:^|\/)res\/(?:values|xml)\/)/;
const BUNDLE = /(?:\.(?:min|bundle|chunk)\.[cm]?js$|\.js\.map$|(?:^|\/)(?:dist|build|out|\.next|\.nuxt|static\/js)\/.*\.[cm]?js$)/;
/** A line this long in a .js file is built output, whatever its name. */
const MINIFIED_LINE = 1000;

/** What a file's path and content say about how a key in it leaks; computed once per file. */
export interface FileFacts {
  /** The vector of any key in the file whose line says nothing more specific. */
  readonly vector: Vector;
  /** A plain `.js` file: a minified line in it is built output. */
  readonly script: boolean;
}

/** What an env file's own variables say: Laravel's, a frontend build's, an Expo app's, or none. */
function envFileVector(text: string): Vector {
  let app = false;
  let laravelName = false;
  let frontend = false;
  let expo = false;
  for (const m of text.matchAll(ENV_ASSIGNMENT)) {
    const [, name, value] = m as unknown as [string, string, string];
    // `key:generate` writes `base64:`; debug mode is what makes Laravel print its env.
    if ((name === "APP_KEY" && value.startsWith("base64:")) || (name === "APP_DEBUG" && value.toLowerCase() === "true")) return "laravel";
    app ||= LARAVEL_APP_NAMES.has(name);
    laravelName ||= LARAVEL_NAMES.has(name);
    frontend ||= FRONTEND_NAME.test(name);
    expo ||= name.startsWith("EXPO_PUBLIC_");
  }
  // Laravel's own .env holds VITE_ names too (its asset build), so Laravel wins.
  if (app && laravelName) return "laravel";
  if (expo) return "mobile-app";
  return frontend ? "frontend-env" : "dotenv";
}

function pathVector(path: string, text: string): Vector {
  if (isDotenvPath(path)) return envFileVector(text);
  const name = baseName(path);
  const dir = path.slice(0, path.length - name.length);
  // A copy (`wp-config.php.bak`) is served as plain text: the same exposure as the original.
  const copies = backupOrigins(name).map((n) => dir + n);
  if (copies.some((p) => LARAVEL_LOG.test(p))) return "laravel";
  if (copies.some((p) => CMS_CONFIG.test(p))) return "cms-config";
  if (ANGULAR_ENV.test(path) || NEXT_PAGE.test(path)) return "frontend-env";
  if (APP_CONFIG.test(name) && NUXT_APP_CONFIG.test(text)) return "frontend-env";
  if (MOBILE.test(path) || EXPO_FILES.has(name)) return "mobile-app";
  if (name === "app.json" && EXPO_APP_JSON.test(text)) return "mobile-app";
  if (APP_CONFIG.test(name) && EXPO_CONFIG.test(text)) return "mobile-app";
  if (name === "pubspec.yaml" && FLUTTER_PUBSPEC.test(text)) return "mobile-app";
  if (BUNDLE.test(path)) return "bundle";
  return "source";
}

/** File-level facts for `vectorOf`. `text` is the file's text (latin1 or decoded); one linear pass at most. */
export function fileFacts(path: string, text: string): FileFacts {
  return { vector: pathVector(path, text), script: /\.[cm]?js$/.test(baseName(path)) };
}

export function vectorOf(path: string, line: string, facts: FileFacts = fileFacts(path, "")): Vector {
  if (FRONTEND_VAR.test(line)) return "frontend-env";
  if (facts.vector === "source" && facts.script && line.length >= MINIFIED_LINE) return "bundle";
  return facts.vector;
}
