/** Kept equal to package.json's version by test/version.test.ts (read at build, not at every start). */
export const VERSION = "0.1.0";
