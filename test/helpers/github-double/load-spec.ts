import { readSpecDocument } from "./read-spec-document.js";

// GitHub's published OpenAPI description (via @octokit/openapi), loaded once per process and
// indexed by operation. We use the $ref form (13 MB) rather than the dereferenced one (73 MB,
// five times slower to parse): ajv resolves the refs itself and compiles each component once.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonObject;
  /** JSON pointer of the (resolved) parameter object inside the spec. */
  pointer: string;
}

export interface SpecOperation {
  method: string; // lower case, as in the spec
  template: string; // e.g. /repos/{owner}/{repo}/issues
  operationId: string;
  parameters: SpecParameter[];
  /** JSON pointer (inside the spec) of the operation object, for ajv `$ref`s. */
  pointer: string;
  raw: JsonObject;
}

export interface Spec {
  doc: JsonObject;
  operations: SpecOperation[];
  /** Follows local `$ref`s until a concrete object. */
  deref(node: Json | undefined): Json | undefined;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

let cached: Spec | undefined;

export function loadSpec(): Spec {
  if (cached) return cached;
  const doc = readSpecDocument();
  const deref = (node: Json | undefined): Json | undefined => {
    let cur = node;
    for (let hops = 0; isObject(cur) && typeof cur["$ref"] === "string" && hops < 20; hops++) {
      cur = resolvePointer(doc, cur["$ref"].slice(1));
    }
    return cur;
  };
  const toParameter = (p: Json, at: string): SpecParameter => {
    const ref = isObject(p) && typeof p["$ref"] === "string" ? p["$ref"].slice(1) : at;
    return { ...(deref(p) as unknown as SpecParameter), pointer: ref };
  };
  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(doc["paths"] as JsonObject)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item["parameters"]) ? item["parameters"] : [];
    for (const method of HTTP_METHODS) {
      const raw = item[method];
      if (!isObject(raw)) continue;
      const own = Array.isArray(raw["parameters"]) ? raw["parameters"] : [];
      const itemPointer = `/paths/${escapePointer(template)}`;
      const pointer = `${itemPointer}/${method}`;
      const parameters = [
        ...shared.map((p, i) => toParameter(p, `${itemPointer}/parameters/${i}`)),
        ...own.map((p, i) => toParameter(p, `${pointer}/parameters/${i}`)),
      ];
      operations.push({ method, template, operationId: String(raw["operationId"]), parameters, pointer, raw });
    }
  }
  cached = { doc, operations, deref };
  return cached;
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function resolvePointer(doc: JsonObject, pointer: string): Json | undefined {
  let cur: Json | undefined = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    cur = isObject(cur) ? cur[key] : Array.isArray(cur) ? cur[Number(key)] : undefined;
  }
  return cur;
}
