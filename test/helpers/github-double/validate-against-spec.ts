import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { _, Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import type { Json, JsonObject, Spec, SpecOperation } from "./load-spec.js";
import { isObject } from "./load-spec.js";
import { specFiles } from "./read-spec-document.js";

// Request and response checks against the operation's schemas. ajv compiles lazily, once per
// (operation, part); the spec document is registered once and referenced by pointer.
// Registering and compiling cost every test process about a second on a busy CI box, so each
// compiled validator is also kept as ajv's own standalone module (the code ajv runs itself)
// under node_modules/.cache, next to the slimmed spec, keyed by it, by the versions of ajv and
// ajv-formats and by the options below: a later process loads it, and registers the document
// only for a schema no earlier process compiled.

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const standaloneCode = (standaloneCodeModule as unknown as { default: (ajv: Ajv, fn: ValidateFunction) => string }).default;
const require = createRequire(import.meta.url);

// Formats GitHub's description uses that ajv-formats does not define; they constrain nothing we check.
const EXTRA_FORMATS = ["uri-template", "repo.nwo", "int32", "int64", "binary", "ssh-key", "ssh-key fingerprint"];
/** Bump when the Ajv options, the formats or the registered document change. */
const VALIDATORS_FORMAT = 1;

interface Validators {
  ajv: Ajv | null;
  cache: Map<string, ValidateFunction>;
  /** Where the compiled validators of this spec are kept; null when there is no place for them. */
  dir: string | null;
}

const bySpec = new WeakMap<Spec, Validators>();

function validators(spec: Spec): Validators {
  let v = bySpec.get(spec);
  if (v) return v;
  const { cache } = specFiles();
  const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
  const key = `${basename(cache, ".json")}-ajv-${version("ajv")}-formats-${version("ajv-formats")}-v${VALIDATORS_FORMAT}`;
  v = { ajv: null, cache: new Map(), dir: join(dirname(cache), key) };
  bySpec.set(spec, v);
  return v;
}

function registered(spec: Spec, v: Validators): Ajv {
  if (v.ajv) return v.ajv;
  // code.source keeps each validator's code for the module cache; formats are required there from ajv-formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  addFormats(ajv);
  for (const f of EXTRA_FORMATS) ajv.addFormat(f, true);
  // Registering walks the whole document; leave out the examples (a large part, never a schema).
  const components = { ...(spec.doc["components"] as JsonObject) };
  delete components["examples"];
  ajv.addSchema({ ...spec.doc, components } as object, "gh");
  v.ajv = ajv;
  return ajv;
}

function compiled(spec: Spec, pointer: string): ValidateFunction {
  const v = validators(spec);
  let fn = v.cache.get(pointer);
  if (fn) return fn;
  const file = v.dir ? join(v.dir, `${createHash("sha256").update(pointer).digest("hex").slice(0, 32)}.cjs`) : null;
  try {
    if (file) fn = require(file) as ValidateFunction;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw err;
  }
  if (!fn) {
    fn = registered(spec, v).compile({ $ref: `gh#${pointer}` });
    if (file) keep(v, file, standaloneCode(v.ajv!, fn));
  }
  v.cache.set(pointer, fn);
  return fn;
}

function keep(v: Validators, file: string, code: string): void {
  try {
    // Write then rename, so a parallel test worker never loads half a module.
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch (err) {
    // The cache only saves time; a read-only node_modules still works, just slower.
    if (!["EACCES", "EROFS", "EPERM"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
    v.dir = null;
  }
}

/**
 * Query and path values arrive as text; read them as the type their schema declares. Arrays come
 * as repeated parameters or comma-separated (OpenAPI's default `form` style).
 */
function coerce(spec: Spec, schema: Json | undefined, values: string[]): Json {
  const resolved = spec.deref(schema);
  const type = isObject(resolved) ? resolved["type"] : undefined;
  if (type === "array" && isObject(resolved)) {
    const items = values.length > 1 ? values : (values[0] ?? "").split(",");
    return items.map((v) => coerce(spec, resolved["items"], [v]));
  }
  const text = values[0] ?? "";
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

export interface RequestParts {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  contentType: string | undefined;
  /** Parsed JSON body, or undefined when there was none. */
  body: Json | undefined;
}

/** Problems with the request, each a one-line reason; empty when GitHub would accept its shape. */
export function checkRequest(spec: Spec, op: SpecOperation, req: RequestParts): { params: string[]; body: string[] } {
  const params: string[] = [];
  for (const p of op.parameters) {
    if (p.in !== "path" && p.in !== "query") continue;
    const values = p.in === "path" ? [req.pathParams[p.name] ?? ""] : req.query.getAll(p.name);
    if (values.length === 0 || (values[0] === "" && !(p.in === "path" && p.name === "path"))) {
      if (p.required === true || p.in === "path") params.push(`missing required ${p.in} parameter "${p.name}"`);
      continue;
    }
    if (!p.schema) continue;
    const fn = compiled(spec, `${p.pointer}/schema`);
    if (!fn(coerce(spec, p.schema, values))) params.push(`${p.in} parameter "${p.name}": ${describe(fn.errors)}`);
  }
  const body: string[] = [];
  const declared = op.raw["requestBody"];
  const requestBody = spec.deref(declared);
  const content = isObject(requestBody) ? requestBody["content"] : undefined;
  if (isObject(requestBody) && isObject(content) && isObject(content["application/json"])) {
    if (req.body === undefined) {
      if (requestBody["required"] === true) body.push("missing required JSON request body");
    } else {
      const fn = compiled(spec, `${pointerOf(declared, `${op.pointer}/requestBody`)}/content/application~1json/schema`);
      if (!fn(req.body)) body.push(`request body: ${describe(fn.errors)}`);
    }
  }
  return { params, body };
}

/** Problems with a response the double is about to send (the double's own bugs). */
export function checkResponse(spec: Spec, op: SpecOperation, status: number, body: Json | undefined): string[] {
  const responses = op.raw["responses"];
  if (!isObject(responses)) return [];
  const declared = responses[String(status)];
  if (declared === undefined) return [`status ${status} is not a documented response of ${op.operationId}`];
  const resolved = spec.deref(declared);
  const content = isObject(resolved) ? resolved["content"] : undefined;
  if (!isObject(content) || !isObject(content["application/json"]) || body === undefined) return [];
  const base = pointerOf(declared, `${op.pointer}/responses/${status}`);
  const fn = compiled(spec, `${base}/content/application~1json/schema`);
  if (fn(body)) return [];
  const real = (fn.errors ?? []).filter((e) => !SPEC_DEFECTS.some((d) => d.operationId === op.operationId && d.at.test(e.instancePath)));
  return real.length === 0 ? [] : [`response ${status}: ${describe(real)}`];
}

/**
 * Places where GitHub's description cannot be met by any real answer; errors there are ignored.
 * Keep each entry narrow and say why.
 */
const SPEC_DEFECTS: { operationId: string; at: RegExp; why: string }[] = [
  {
    operationId: "apps/list-installations",
    at: /^\/\d+\/account(\/|$)/,
    why: "the inline schema says account is allOf [simple-user, enterprise]: both at once (get-installation says anyOf)",
  },
];

/** Where a possibly-$ref'd node really lives, as a JSON pointer. */
function pointerOf(node: Json | undefined, inline: string): string {
  return isObject(node) && typeof node["$ref"] === "string" ? node["$ref"].slice(1) : inline;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword}${e.keyword === "enum" ? ` ${JSON.stringify(e.params["allowedValues"])}` : ""}`)
    .join("; ");
}
