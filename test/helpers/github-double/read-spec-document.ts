import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Json, JsonObject } from "./load-spec.js";

// GitHub's OpenAPI description as ajv-ready JSON Schema, without the prose. Parsing the published
// 13 MB file costs about a second per test process on a busy CI box; the slimmed, normalized copy
// (about a third of the size) is cached under node_modules/.cache, keyed by the source file.

const FORMAT = 1; // bump when the transformation below changes

/** The published description, and where its slimmed copy is cached (named after the source file and FORMAT). */
export function specFiles(): { source: string; cache: string } {
  const require = createRequire(import.meta.url);
  const source = require.resolve("@octokit/openapi/generated/api.github.com.json");
  const { size, mtimeMs } = statSync(source);
  const root = source.slice(0, source.lastIndexOf("node_modules") + "node_modules".length);
  return { source, cache: join(root, ".cache", "leakguard-github-double", `api.github.com-${size}-${Math.trunc(mtimeMs)}-v${FORMAT}.json`) };
}

export function readSpecDocument(): JsonObject {
  const { source, cache } = specFiles();
  try {
    return JSON.parse(readFileSync(cache, "utf8")) as JsonObject;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const doc = slim(JSON.parse(readFileSync(source, "utf8")) as Json, "") as JsonObject;
  normalizeNullable(doc);
  try {
    // Write then rename, so a parallel test worker never reads half a file.
    mkdirSync(dirname(cache), { recursive: true });
    const tmp = `${cache}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, cache);
  } catch (err) {
    // The cache only saves time; a read-only node_modules still works, just slower.
    if (!["EACCES", "EROFS", "EPERM"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
  }
  return doc;
}

/**
 * Drops documentation (descriptions, summaries, per-operation examples, x- extensions) but keeps
 * components.examples, which the double renders responses from. Keys inside `properties` are
 * field names, never prose, so they all stay.
 */
function slim(node: Json, parentKey: string): Json {
  if (Array.isArray(node)) return node.map((n) => slim(n, ""));
  if (typeof node !== "object" || node === null) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (parentKey !== "properties") {
      if ((key === "description" || key === "summary") && typeof value === "string") continue;
      if (key === "example" || key.startsWith("x-") || key === "externalDocs") continue;
      if (key === "examples" && parentKey !== "components") continue;
    }
    out[key] = parentKey === "examples" ? value : slim(value, key);
  }
  return out;
}

/**
 * OpenAPI 3.0's `nullable: true` means "or null". ajv understands it only next to `type`, and an
 * `enum` must list null itself; rewrite the other cases into plain JSON Schema.
 */
function normalizeNullable(node: Json): void {
  if (Array.isArray(node)) {
    for (const n of node) normalizeNullable(n);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  // Example values are data, not schemas: leave them as published.
  for (const [k, v] of Object.entries(node)) if (k !== "example" && k !== "examples") normalizeNullable(v);
  if (node["nullable"] !== true) return;
  if (node["type"] === undefined) {
    const rest: JsonObject = { ...node };
    delete rest["nullable"];
    for (const k of Object.keys(node)) delete node[k];
    node["anyOf"] = [{ type: "null" }, rest];
  } else if (Array.isArray(node["enum"]) && !node["enum"].includes(null)) {
    node["enum"].push(null);
  }
}
