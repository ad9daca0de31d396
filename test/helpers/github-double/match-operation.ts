import type { Spec, SpecOperation } from "./load-spec.js";

// Maps "METHOD /concrete/path" to the spec operation, the way GitHub's router does: a literal
// segment beats a parameter (`/issues/comments` is not issue number "comments").

export type RouteMatch =
  | { kind: "operation"; operation: SpecOperation; pathParams: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "unknown-route" };

interface CompiledTemplate {
  template: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
  byMethod: Map<string, SpecOperation>;
}

const compiledBySpec = new WeakMap<Spec, CompiledTemplate[]>();

export function matchOperation(spec: Spec, method: string, pathname: string): RouteMatch {
  const candidates: { c: CompiledTemplate; values: string[] }[] = [];
  for (const c of compile(spec)) {
    const m = c.regex.exec(pathname);
    if (m) candidates.push({ c, values: m.slice(1) });
  }
  if (candidates.length === 0) return { kind: "unknown-route" };
  candidates.sort((a, b) => b.c.literalSegments - a.c.literalSegments);
  const lower = method.toLowerCase();
  for (const { c, values } of candidates) {
    const operation = c.byMethod.get(lower);
    if (!operation) continue;
    const pathParams: Record<string, string> = {};
    c.names.forEach((name, i) => (pathParams[name] = safeDecode(values[i] ?? "")));
    return { kind: "operation", operation, pathParams };
  }
  const allowed = [...new Set(candidates.flatMap(({ c }) => [...c.byMethod.keys()]))];
  return { kind: "method-not-allowed", allowed: allowed.map((m) => m.toUpperCase()) };
}

function compile(spec: Spec): CompiledTemplate[] {
  const done = compiledBySpec.get(spec);
  if (done) return done;
  const byTemplate = new Map<string, CompiledTemplate>();
  for (const op of spec.operations) {
    let c = byTemplate.get(op.template);
    if (!c) {
      const names: string[] = [];
      const segments = op.template.split("/").slice(1);
      const source = segments
        .map((seg) =>
          seg.replace(/\{([^}]+)\}|[^{}]+/g, (whole, name?: string) => {
            if (name === undefined) return escapeRegex(whole);
            names.push(name);
            // A file path may arrive with its slashes unencoded; every other parameter is one segment.
            return name === "path" ? "(.*)" : "([^/]+)";
          }),
        )
        .join("/")
        // A trailing file path may be absent altogether: `/contents` is the repository's root.
        .replace(/\/\(\.\*\)$/, "(?:/(.*))?");
      c = {
        template: op.template,
        regex: new RegExp(`^/${source}/?$`),
        names,
        literalSegments: segments.filter((s) => !s.includes("{")).length,
        byMethod: new Map(),
      };
      byTemplate.set(op.template, c);
    }
    c.byMethod.set(op.method, op);
  }
  const list = [...byTemplate.values()];
  compiledBySpec.set(spec, list);
  return list;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // GitHub answers a malformed escape with 400 later; keep the raw text for the message.
    return s;
  }
}
