import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn git and servers; two workers match the two cores CI has.
    maxWorkers: 2,
    // Worker threads that src starts (the scan worker) load src/*.ts through this loader.
    execArgv: ["--import", "./test/helpers/ts-loader.mjs"],
  },
});
