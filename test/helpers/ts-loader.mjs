// Lets worker threads started by code under test load src/*.ts. Vitest transforms the
// modules it runs itself, but a worker thread (the scan worker) loads its modules with
// Node's own loader, which reads no TypeScript. Registered for the test processes by
// vitest.config.ts (execArgv), so worker threads inherit it; esbuild strips the types.
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
