import { createRequire } from "node:module";

// package.json sits one level above both src/ and dist/, so this resolves from either.
const pkg = createRequire(import.meta.url)("../package.json") as { version: string };

export const VERSION: string = pkg.version;
