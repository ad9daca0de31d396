// Module hooks for test/helpers/ts-loader.mjs: `./x.js` that exists only as `./x.ts`
// (how src imports its siblings) resolves to the .ts file, and .ts files load transpiled.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// Every thread the code under test starts (the door, the git runner, the scan workers)
// loads its modules afresh, and esbuild starts a service process in each: kept by content,
// the transpiled modules load without it (the door's thread started in about 600 ms before).
const CACHE = fileURLToPath(new URL("../../node_modules/.cache/leakguard-ts/", import.meta.url));
let transformSync = null;
const OPTIONS = { loader: "ts", format: "esm", target: "node20" };

function transpile(path) {
  const source = readFileSync(path, "utf8");
  const file = `${CACHE}${createHash("sha256").update(JSON.stringify(OPTIONS)).update(path).update("\0").update(source).digest("hex")}.js`;
  try {
    return readFileSync(file, "utf8");
  } catch {
    transformSync ??= createRequire(import.meta.url)("esbuild").transformSync;
    const { code } = transformSync(source, { ...OPTIONS, sourcefile: path });
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, code);
    renameSync(tmp, file); // whole or not at all: another thread may be reading it
    return code;
  }
}

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
  return { format: "module", source: transpile(fileURLToPath(url)), shortCircuit: true };
}
