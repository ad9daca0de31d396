import { defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/slow-first-sequencer.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn git and servers and spend much of their time waiting on them: on CI's two
    // cores, three workers ran the suite in 346 s against 496 s for two (same box, back to
    // back, every test passing), which keeps CI well inside its 15 minutes.
    maxWorkers: 3,
    // The longest files start first, also without vitest's results cache (a fresh CI machine).
    sequence: { sequencer: SlowFirstSequencer },
    // Worker threads that src starts (the scan worker) load src/*.ts through this loader.
    execArgv: ["--import", "./test/helpers/ts-loader.mjs"],
  },
});
