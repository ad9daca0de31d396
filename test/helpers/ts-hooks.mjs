// Module hooks for test/helpers/ts-loader.mjs: `./x.js` that exists only as `./x.ts`
// (how src imports its siblings) resolves to the .ts file, and .ts files load transpiled.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

function typescriptTwin(specifier, parentURL) {
  if (!specifier.endsWith(".js")) return null;
  let url;
  try {
    url = new URL(specifier, parentURL);
  } catch {
    return null;
  }
  if (url.protocol !== "file:" || existsSync(fileURLToPath(url))) return null;
  const ts = new URL(url.href.replace(/\.js$/, ".ts"));
  return existsSync(fileURLToPath(ts)) ? ts.href : null;
}

export async function resolve(specifier, context, next) {
  const twin = typescriptTwin(specifier, context.parentURL);
  return twin ? { url: twin, format: "module", shortCircuit: true } : next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const { code } = transformSync(readFileSync(fileURLToPath(url), "utf8"), { loader: "ts", format: "esm", target: "node20", sourcefile: fileURLToPath(url) });
  return { format: "module", source: code, shortCircuit: true };
}
