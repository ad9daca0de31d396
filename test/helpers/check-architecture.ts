import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import type { Architecture, UnitRules } from "../../src/architecture.js";

// The architecture test's engine: every import in a source tree, parsed with the
// TypeScript compiler (a regex misses multi-line, `export … from`, `import type` and
// `typeof import()` forms), resolved to the unit it lands in, and checked against the
// arrows in src/architecture.ts. It takes a root so that the test can run it over a
// fixture tree with a deliberately wrong import and see it fail.

/** One import of a source file: where it is written and what it names. */
export interface ImportSite {
  /** Path relative to the checked root's parent, `/`-separated: `src/hook/messages.ts`. */
  file: string;
  line: number;
  specifier: string;
  /** `import type …`, `export type …`, `typeof import("…")`: erased at run time. */
  typeOnly: boolean;
}

/** A unit is a folder directly under the root, or a file at the root itself (`errors.ts`). */
export function unitOf(root: string, file: string): string | null {
  const rel = relative(root, file);
  if (rel.startsWith("..") || rel === "") return null;
  const [first, ...rest] = rel.split(sep);
  return rest.length === 0 ? first!.replace(/\.js$/, ".ts") : first!;
}

/** TypeScript and JavaScript of every flavour: a `.mjs` dropped into src/ is checked too. */
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : SOURCE.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

/** `new URL("./x.js", import.meta.url)`: the specifier, else undefined. */
function urlBesideModule(node: ts.Expression | undefined): ts.Expression | undefined {
  if (!node || !ts.isNewExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== "URL") return undefined;
  const [spec, base] = node.arguments ?? [];
  const metaUrl = base && ts.isPropertyAccessExpression(base) && ts.isMetaProperty(base.expression) && base.name.text === "url";
  return metaUrl ? spec : undefined;
}

/**
 * Every static import, `export … from`, dynamic `import("…")`, `require`, `typeof
 * import("…")` and worker thread (`new Worker(new URL("…", import.meta.url))`: code loaded
 * by path) in one file.
 */
export function importsOf(path: string, shownAs: string): ImportSite[] {
  // The script kind follows the file name (.ts, .mts, .js, .tsx…).
  const sf = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, false);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) => {
    // A computed specifier cannot be checked: it is recorded as such and reported.
    const specifier = spec && ts.isStringLiteralLike(spec) ? spec.text : "<computed>";
    sites.push({ file: shownAs, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, specifier, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      // `import { type A, type B }` is erased as a whole; a named value binding is not.
      const allTypes = c?.namedBindings && ts.isNamedImports(c.namedBindings) && !c.name && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, Boolean(c?.isTypeOnly || allTypes));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, true);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Worker") {
      const arg = node.arguments?.[0];
      add(node, urlBesideModule(arg) ?? arg, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

const shown = (base: string, file: string) => relative(base, file).split(sep).join("/");

/** `node:fs/promises` → `node:fs`; `@octokit/rest/x` → `@octokit/rest`; `zod/v4` → `zod`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function ownsPackage(pattern: string, pkg: string): boolean {
  return pattern.endsWith("/*") ? pkg.startsWith(pattern.slice(0, -1)) : pkg === pattern;
}

/**
 * Every import under `root` the architecture does not allow, one line each:
 * `src/detectors/x.ts:3: folder detectors may not import folder git`.
 * Also reported: a unit the data does not declare, a computed import, a relative import
 * leaving the root, a package a pure unit imports or one another unit owns, and an
 * `exceptions` entry that no longer matches any import (so the list only shrinks).
 */
export function checkArchitecture(root: string, arch: Architecture): string[] {
  const absRoot = resolve(root);
  const base = dirname(absRoot);
  const problems: string[] = [];
  const usedExceptions = new Set<number>();
  const declared = new Set(Object.keys(arch.units));

  const checkSite = (site: ImportSite, from: string, rules: UnitRules): void => {
    const at = `${site.file}:${site.line}:`;
    if (site.specifier === "<computed>") {
      problems.push(`${at} an import with a computed specifier cannot be checked`);
      return;
    }
    if (!site.specifier.startsWith(".")) {
      const pkg = packageOf(site.specifier);
      if (rules.pure) problems.push(`${at} folder ${from} is pure and may not import ${pkg}`);
      else if (!site.typeOnly) {
        const owners = Object.entries(arch.packages).find(([p]) => ownsPackage(p, pkg))?.[1];
        if (owners && !owners.includes(from)) problems.push(`${at} folder ${from} may not import ${pkg} (only ${owners.join(", ")})`);
      }
      return;
    }
    const to = unitOf(absRoot, resolve(dirname(join(base, site.file)), site.specifier));
    if (to === null) {
      problems.push(`${at} folder ${from} imports ${site.specifier}, outside ${relative(base, absRoot)}`);
      return;
    }
    if (to === from) return;
    if (!declared.has(to)) {
      problems.push(`${at} folder ${to} is not declared in the architecture`);
      return;
    }
    if (rules.imports.includes(to)) return;
    const excused = arch.exceptions.findIndex((e) => e.file === site.file && e.imports === to);
    if (excused !== -1) {
      usedExceptions.add(excused);
      return;
    }
    const never = arch.never.find((n) => (n.from === from || n.from === "*") && n.to === to);
    problems.push(`${at} folder ${from} may not import folder ${to}${never ? ` (never: ${never.why})` : ""}`);
  };

  for (const file of sourceFiles(absRoot)) {
    const from = unitOf(absRoot, file)!;
    const rules = arch.units[from];
    if (!rules) {
      problems.push(`${shown(base, file)}: folder ${from} is not declared in the architecture`);
      continue;
    }
    for (const site of importsOf(file, shown(base, file))) checkSite(site, from, rules);
  }
  arch.exceptions.forEach((e, i) => {
    if (!usedExceptions.has(i)) problems.push(`${e.file}: exception "${e.file} imports ${e.imports}" matches no import any more: remove it`);
  });
  return problems;
}

/** Contradictions inside the data itself: an arrow both allowed and forbidden, an unknown unit. */
export function checkArchitectureData(arch: Architecture): string[] {
  const units = new Set(Object.keys(arch.units));
  const problems: string[] = [];
  for (const [from, rules] of Object.entries(arch.units)) {
    for (const to of rules.imports) {
      if (!units.has(to)) problems.push(`${from} allows unknown folder ${to}`);
      if (to === from) problems.push(`${from} lists itself`);
      const never = arch.never.find((n) => (n.from === from || n.from === "*") && n.to === to);
      if (never) problems.push(`${from} -> ${to} is both allowed and never allowed (${never.why})`);
    }
    for (const to of Object.keys(rules.because ?? {})) {
      if (!rules.imports.includes(to)) problems.push(`${from} explains an arrow to ${to} it does not allow`);
    }
  }
  for (const n of arch.never) {
    if (n.from !== "*" && !units.has(n.from)) problems.push(`never-arrow from unknown folder ${n.from}`);
    if (!units.has(n.to)) problems.push(`never-arrow to unknown folder ${n.to}`);
  }
  for (const e of arch.exceptions) {
    if (!units.has(e.imports)) problems.push(`exception for ${e.file} names unknown folder ${e.imports}`);
  }
  return problems;
}

/** `git/` for a folder, `errors.ts` for a root file, "any folder" for `*`. */
function named(unit: string): string {
  if (unit === "*") return "any folder";
  return unit.endsWith(".ts") ? `\`${unit}\`` : `\`${unit}/\``;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/**
 * docs/ARCHITECTURE.md's section between `<!-- arrows:begin -->` and `<!-- arrows:end -->`,
 * rendered from the data: the test compares the two, so the document cannot drift.
 */
export function arrowsTable(arch: Architecture): string {
  const lines = ["| folder | owns | may import | why an arrow that looks wrong is right |", "| --- | --- | --- | --- |"];
  for (const [unit, rules] of Object.entries(arch.units)) {
    const imports = rules.imports.length ? rules.imports.map(named).join(", ") : "nothing";
    const because = Object.entries(rules.because ?? {}).map(([to, why]) => `${named(to)}: ${why}`);
    lines.push(`| ${named(unit)} | ${cell(rules.owns)} | ${imports} | ${cell(because.join("; "))} |`);
  }
  lines.push("", "Never:", "", "| from | to | why |", "| --- | --- | --- |");
  for (const n of arch.never) lines.push(`| ${named(n.from)} | ${named(n.to)} | ${cell(n.why)} |`);
  lines.push("", "Only these folders may import these packages (a type-only import is allowed anywhere):", "", "| package | folders |", "| --- | --- |");
  for (const [pkg, owners] of Object.entries(arch.packages)) lines.push(`| \`${pkg}\` | ${owners.map(named).join(", ")} |`);
  if (arch.exceptions.length === 0) lines.push("", "Pinned exceptions: none.");
  else {
    lines.push("", "Pinned exceptions (one file each; the test fails when one is no longer needed):", "", "| file | imports | why, and what removes it |", "| --- | --- | --- |");
    for (const e of arch.exceptions) lines.push(`| \`${e.file}\` | ${named(e.imports)} | ${cell(e.why)} |`);
  }
  return lines.join("\n") + "\n";
}
