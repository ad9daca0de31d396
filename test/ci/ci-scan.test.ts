import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildCli, PACKAGE_ROOT } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";

// The GitHub Action's scan step, run here exactly as action.yml writes it (its `run`
// text under bash, its env names), against real repositories cloned the way
// actions/checkout does (shallow, one commit). GitHub's own parts (setup-node,
// upload-sarif) are not run; the test checks that the SARIF they get is right.

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  if?: string;
}
const action = parse(readFileSync(join(PACKAGE_ROOT, "action.yml"), "utf8")) as { runs: { using: string; steps: Step[] } };
const scanStep = action.runs.steps.find((s) => s.id === "scan")!;

interface Sarif {
  runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }> }>;
}

let cli: string;
beforeAll(() => {
  cli = buildCli();
});

/** A server repository with a clean main, and a shallow checkout of `head` as CI has it. */
function pullRequest(files: Record<string, string>, opts: { leakguardYml?: string } = {}) {
  const work = makeRepo();
  const base = work.commit("init", { "README.md": "shop\n", ...(opts.leakguardYml ? { ".leakguard.yml": opts.leakguardYml } : {}) });
  work.git("checkout", "-q", "-b", "feature");
  const head = work.commit("change", files);
  const origin = join(tempDir(), "origin.git");
  runGit(work.dir, ["clone", "-q", "--bare", work.dir, origin]);
  const checkout = join(tempDir(), "checkout");
  runGit(tempDir(), ["clone", "-q", "--depth", "1", "--no-tags", "--branch", "feature", `file://${origin}`, checkout]);
  return { base, head, checkout };
}

function runScanStep(checkout: string, values: Record<string, string>) {
  const outputFile = join(tempDir(), "github-output");
  // Each env entry of the step is a GitHub expression; the test supplies what it evaluates to.
  const env: NodeJS.ProcessEnv = { ...GIT_TEST_ENV, GITHUB_ACTION_PATH: PACKAGE_ROOT, GITHUB_OUTPUT: outputFile, LEAKGUARD_BIN: cli };
  for (const name of Object.keys(scanStep.env ?? {})) env[name] = values[name] ?? "";
  const r = spawnSync("bash", ["-c", scanStep.run!], { cwd: checkout, env, encoding: "utf8" });
  const outputs = Object.fromEntries(
    (existsSync(outputFile) ? readFileSync(outputFile, "utf8") : "")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("=", 2) as [string, string]),
  );
  const sarifPath = join(checkout, outputs["sarif-file"] ?? "leakguard.sarif");
  const sarif = existsSync(sarifPath) ? (JSON.parse(readFileSync(sarifPath, "utf8")) as Sarif) : null;
  return { status: r.status, log: `${r.stdout}${r.stderr}`, outputs, sarif, sarifText: existsSync(sarifPath) ? readFileSync(sarifPath, "utf8") : "" };
}

describe("action.yml", () => {
  it("is a composite action: build, the scan script, upload-sarif, then the verdict", () => {
    expect(action.runs.using).toBe("composite");
    expect(scanStep.run).toBe('"$GITHUB_ACTION_PATH/scripts/ci-scan.sh"');
    // Inputs reach the script through env only: an expression spliced into `run` would be script injection.
    for (const s of action.runs.steps) expect(s.run ?? "").not.toContain("${{");
    const upload = action.runs.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(upload.with?.["sarif_file"]).toBe("${{ steps.scan.outputs.sarif-file }}");
    expect(upload.if).toContain("always()");
    const verdict = action.runs.steps.at(-1)!;
    expect(verdict.if).toBe("${{ steps.scan.outputs.exit-code == '1' }}");
  });
});

describe("scripts/ci-scan.sh, as the action runs it", () => {
  it("finds a key the pull request adds, in a shallow checkout, and hands SARIF and exit-code 1 to the next steps", () => {
    const key = fakeKey();
    const pr = pullRequest({ "config/pay.js": `const k = "${key}";\n` });
    const r = runScanStep(pr.checkout, { LEAKGUARD_BASE: pr.base, LEAKGUARD_HEAD: pr.head, LEAKGUARD_SARIF: "leakguard.sarif" });
    expect(r.status).toBe(0); // the upload step must still run
    expect(r.outputs).toEqual({ "exit-code": "1", "sarif-file": "leakguard.sarif" });
    expect(r.sarif!.runs[0]!.results.map((x) => x.ruleId)).toEqual(["stripe-live-secret-key"]);
    expect(r.log).toContain(redacted(key));
    expect(r.log + r.sarifText).not.toContain(key);
  });

  it("passes a clean pull request with an empty SARIF", () => {
    const pr = pullRequest({ "src/pay.js": "const k = process.env.STRIPE_KEY;\n" });
    const r = runScanStep(pr.checkout, { LEAKGUARD_BASE: pr.base, LEAKGUARD_HEAD: pr.head, LEAKGUARD_SARIF: "out.sarif" });
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ "exit-code": "0", "sarif-file": "out.sarif" });
    expect(r.sarif!.runs[0]!.results).toEqual([]);
  });

  it("reports a test key but does not fail with fail-on high, from the input or from .leakguard.yml", () => {
    const files = { "test/charge.json": `{"key":"${fakeKey("sk", "test")}"}\n` };
    const pr = pullRequest(files);
    const r = runScanStep(pr.checkout, { LEAKGUARD_BASE: pr.base, LEAKGUARD_HEAD: pr.head, LEAKGUARD_FAIL_ON: "high", LEAKGUARD_SARIF: "l.sarif" });
    expect(r.outputs["exit-code"]).toBe("0");
    expect(r.sarif!.runs[0]!.results).toHaveLength(1);
    const withConfig = pullRequest(files, { leakguardYml: "failOn: high\n" });
    expect(runScanStep(withConfig.checkout, { LEAKGUARD_BASE: withConfig.base, LEAKGUARD_HEAD: withConfig.head, LEAKGUARD_SARIF: "l.sarif" }).outputs["exit-code"]).toBe("0");
  });

  it("scans the whole history for a new branch's first push (base all zeros)", () => {
    // The key sits in main's history, before the pushed commit.
    const work = makeRepo();
    work.commit("old", { "old.txt": `${fakeKey("rk")}\n` });
    const origin = join(tempDir(), "o.git");
    runGit(work.dir, ["clone", "-q", "--bare", work.dir, origin]);
    const checkout = join(tempDir(), "c");
    runGit(tempDir(), ["clone", "-q", "--depth", "1", `file://${origin}`, checkout]);
    const r = runScanStep(checkout, { LEAKGUARD_BASE: "0".repeat(40), LEAKGUARD_HEAD: work.head(), LEAKGUARD_SARIF: "l.sarif" });
    expect(r.outputs["exit-code"]).toBe("1");
    expect(r.sarif!.runs[0]!.results.map((x) => x.ruleId)).toEqual(["stripe-live-restricted-key"]);
  });

  it("treats a hostile input as data: a base of $(...) runs nothing and the step fails", () => {
    const pr = pullRequest({ "a.txt": "x\n" });
    const marker = join(tempDir(), "PWNED");
    const r = runScanStep(pr.checkout, { LEAKGUARD_BASE: `$(touch ${marker})`, LEAKGUARD_HEAD: pr.head, LEAKGUARD_SARIF: "l.sarif" });
    expect(r.status).not.toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(r.outputs["exit-code"]).toBeUndefined();
  });

  it("an unknown fail-on stops the step with leakguard's one-line reason", () => {
    const pr = pullRequest({ "a.txt": "x\n" });
    const r = runScanStep(pr.checkout, { LEAKGUARD_BASE: pr.base, LEAKGUARD_HEAD: pr.head, LEAKGUARD_FAIL_ON: "severe", LEAKGUARD_SARIF: "l.sarif" });
    expect(r.status).toBe(2);
    expect(r.log).toMatch(/\[leakguard\] .*--fail-on/);
  });
});
