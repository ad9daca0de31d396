// Prints docs/ARCHITECTURE.md's arrow section from src/architecture.ts; with --write,
// puts it into the document (test/architecture.test.ts fails until the two agree).
// Usage (from the repository root): node scripts/run-ts.mjs scripts/architecture-table.ts [--write]
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ARCHITECTURE } from "../src/architecture.js";
import { arrowsTable } from "../test/helpers/check-architecture.js";

// Not import.meta.url: run-ts.mjs runs a bundled copy from node_modules/.
const DOC = resolve("docs/ARCHITECTURE.md");
const table = arrowsTable(ARCHITECTURE);
if (process.argv.includes("--write")) {
  const doc = readFileSync(DOC, "utf8");
  const section = /(<!-- arrows:begin -->\n)[\s\S]*?(<!-- arrows:end -->)/;
  if (!section.test(doc)) throw new Error("docs/ARCHITECTURE.md has no <!-- arrows:begin --> ... <!-- arrows:end --> section");
  writeFileSync(DOC, doc.replace(section, (_m, begin: string, end: string) => begin + table + end));
} else {
  process.stdout.write(table);
}
