import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { createPushFixture } from "./push-fixture.js";
import { expectAccepted, expectRejected, started } from "./push-expect.js";

// `npm run build` ships the CLI bundled (scripts/bundle-cli.mjs: one entry, chunks loaded
// on use, the scan worker's own entry beside them). The other hook tests run the
// per-module build; these push through the bundle as it ships: the hook decides a clean
// push on its own thread, and starts the bundled worker for a push that holds a key.

let out: string;
let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  // Under node_modules, so that the dependencies the bundle leaves external still resolve.
  mkdirSync(join(PACKAGE_ROOT, "node_modules", ".cache"), { recursive: true });
  out = mkdtempSync(join(PACKAGE_ROOT, "node_modules", ".cache", "leakguard-bundle-"));
  execFileSync(process.execPath, [join(PACKAGE_ROOT, "scripts", "bundle-cli.mjs"), "--outdir", out], { stdio: "pipe" });
  fx = createPushFixture({ cli: join(out, "main.js"), baseUrl: () => null });
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the bundled CLI as the pre-receive hook", () => {
  it("accepts a clean push", async () => {
    const { repo } = await started(fx);
    repo.commit("clean change", { "src/a.js": "export const a = 1;\n" });
    expectAccepted(fx.push(repo, ["origin", "main"]));
  });

  it("rejects a push that adds a live key, scanned in the bundled worker", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    repo.commit("leak", { "src/pay.js": `const k = "${key}";\n` });
    const before = remote.refs();
    const r = fx.push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain(redacted(key));
  });

  it("answers --version", () => {
    expect(execFileSync(process.execPath, [join(out, "main.js"), "--version"], { encoding: "utf8" }).trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
