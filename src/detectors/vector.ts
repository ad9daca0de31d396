import type { Vector } from "./types.js";
import { baseName, isDotenvPath } from "./dotenv-path.js";

// How a key got where it is. Order matters: the most specific explanation wins, and a
// frontend variable name beats the file it sits in, because bundling is what exposes it.

/** Variables that frameworks inline into browser bundles. */
const FRONTEND_VAR = /\b(?:REACT_APP_|VITE_|VUE_APP_|NUXT_ENV_|NEXT_PUBLIC_|GATSBY_|EXPO_PUBLIC_|PUBLIC_)[A-Z0-9_]*\s*[:=]/;
/** Directories a web server commonly serves as the document root. */
const WEB_ROOT = /(?:^|\/)(?:public|public_html|www|htdocs|web|html)\//;
const LARAVEL_DEBUG = /^\s*APP_DEBUG\s*=\s*["']?true\b/im;
const CMS_CONFIG = /(?:^|\/)(?:wp-config[^/]*\.php|configuration\.php|wp-content\/.*|sites\/[^/]+\/settings[^/]*\.php|LocalSettings\.php)$/;
const ANGULAR_ENV = /(?:^|\/)src\/environments\/environment[^/]*\.ts$/;
const NEXT_PAGE = /(?:^|\/)(?:src\/)?(?:pages\/.*|app\/(?:.*\/)?(?:page|layout))\.(?:[jt]sx?|mdx)$/;
const MOBILE = /(?:(?:^|\/)(?:android|ios|app\/src\/main)\/|\.(?:kt|swift|m|mm|dart|plist|xcconfig|apk|ipa|aab|smali)$|(?:^|\/)res\/(?:values|xml)\/)/;
const BUNDLE = /(?:\.(?:min|bundle|chunk)\.[cm]?js$|\.js\.map$|(?:^|\/)(?:dist|build|out|\.next|\.nuxt|static\/js)\/.*\.[cm]?js$)/;
/** A line this long in a .js file is built output, whatever its name. */
const MINIFIED_LINE = 1000;

export function vectorOf(path: string, line: string, fileText = ""): Vector {
  if (FRONTEND_VAR.test(line)) return "frontend-env";
  if (isDotenvPath(path)) {
    return WEB_ROOT.test(path) || LARAVEL_DEBUG.test(fileText) ? "laravel" : "dotenv";
  }
  if (CMS_CONFIG.test(path)) return "cms-config";
  if (ANGULAR_ENV.test(path) || NEXT_PAGE.test(path)) return "frontend-env";
  if (MOBILE.test(path)) return "mobile-app";
  if (BUNDLE.test(path)) return "bundle";
  if (/\.[cm]?js$/.test(baseName(path)) && line.length >= MINIFIED_LINE) return "bundle";
  return "source";
}
