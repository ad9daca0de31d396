import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/findings/finding.js";
import { emptyStats } from "../../src/findings/collector.js";
import { defaultHookConfig } from "../../src/hook/config.js";
import type { HookConfig } from "../../src/hook/config.js";
import { decideVerdict } from "../../src/hook/verdict.js";
import type { ScanOutcome } from "../../src/hook/verdict.js";
import { bypassRequest, pusherOf, readPushOptions } from "../../src/hook/bypass.js";
import { formatVerdict } from "../../src/hook/messages.js";

function finding(over: Partial<Finding>): Finding {
  return {
    rule: "stripe-live-secret-key", severity: "critical", path: "src/a.js", line: 3, column: 7, commit: "c".repeat(40),
    blob: "b".repeat(40), author: "Ada <a@x>", date: "2024-01-01T00:00:00.000Z", fingerprint: "f".repeat(16),
    redacted: "sk_live_…wxyz", vector: "source", source: "file", ...over,
  };
}
const scanned = (findings: Finding[]): ScanOutcome => ({ kind: "scanned", findings, stats: emptyStats(), skippedBlobs: 0 });
const cfg = (over: Partial<HookConfig> = {}): HookConfig => ({ ...defaultHookConfig(), ...over });
const none = { kind: "none" } as const;

describe("decideVerdict", () => {
  it("blocks live keys and committed dotenv files by default, and lets test keys through as warnings", () => {
    const live = finding({});
    const dotenv = finding({ rule: "dotenv-file", severity: "low", redacted: null, vector: "dotenv", path: ".env" });
    const test = finding({ rule: "stripe-test-secret-key", severity: "medium" });
    const v = decideVerdict(scanned([live, dotenv, test]), cfg(), none);
    expect(v).toMatchObject({ accept: false, status: "rejected", blocking: [live, dotenv], warnings: [test] });
    expect(decideVerdict(scanned([test]), cfg(), none)).toMatchObject({ accept: true, status: "warned" });
    expect(decideVerdict(scanned([dotenv]), cfg({ blockDotenvFiles: false }), none).accept).toBe(true);
    expect(decideVerdict(scanned([test]), cfg({ blockSeverity: "medium" }), none).accept).toBe(false);
  });

  it("honours a bypass only when the config allows it", () => {
    const valid = { kind: "valid", reason: "false-positive" } as const;
    expect(decideVerdict(scanned([finding({})]), cfg(), valid)).toMatchObject({ accept: false, status: "rejected" });
    const on = cfg({ bypass: { allowed: true, reasons: ["false-positive"] } });
    expect(decideVerdict(scanned([finding({})]), on, valid)).toMatchObject({ accept: true, status: "bypassed" });
    expect(decideVerdict(scanned([finding({})]), on, { kind: "unknown-reason", reason: "x" }).accept).toBe(false);
    // A push that could not be scanned in time can be let through the same way, on the record.
    expect(decideVerdict({ kind: "timeout", budgetMs: 5 }, on, valid)).toMatchObject({ accept: true, status: "bypassed" });
  });

  it("fails closed by default and open when configured, on a timeout or an error", () => {
    const timeout: ScanOutcome = { kind: "timeout", budgetMs: 5 };
    expect(decideVerdict(timeout, cfg(), none)).toMatchObject({ accept: false, status: "failed-closed" });
    expect(decideVerdict(timeout, cfg({ failMode: "open" }), none)).toMatchObject({ accept: true, status: "failed-open" });
    expect(decideVerdict({ kind: "error", message: "boom" }, cfg(), none)).toMatchObject({ accept: false, problem: { kind: "error" } });
    expect(decideVerdict({ kind: "nothing-to-scan" }, cfg(), none)).toMatchObject({ accept: true, status: "clean" });
  });
});

describe("push options and pusher", () => {
  it("reads GIT_PUSH_OPTION_n and takes the last leakguard.bypass", () => {
    const env = { GIT_PUSH_OPTION_COUNT: "3", GIT_PUSH_OPTION_0: "ci.skip", GIT_PUSH_OPTION_1: "leakguard.bypass=nope", GIT_PUSH_OPTION_2: "leakguard.bypass=used-in-tests" };
    const opts = readPushOptions(env);
    expect(opts).toEqual(["ci.skip", "leakguard.bypass=nope", "leakguard.bypass=used-in-tests"]);
    expect(bypassRequest(opts, ["used-in-tests"])).toEqual({ kind: "valid", reason: "used-in-tests" });
    expect(bypassRequest(["leakguard.bypass=nope"], ["used-in-tests"])).toEqual({ kind: "unknown-reason", reason: "nope" });
    expect(bypassRequest([], ["used-in-tests"])).toEqual({ kind: "none" });
    expect(readPushOptions({})).toEqual([]);
  });

  it("names the pusher from GitLab, Gitea, the server or the system user, in that order", () => {
    expect(pusherOf({ GL_USERNAME: "gl", USER: "git" })).toBe("gl");
    expect(pusherOf({ GITEA_PUSHER_NAME: "gt", USER: "git" })).toBe("gt");
    expect(pusherOf({ REMOTE_USER: "web", USER: "git" })).toBe("web");
    expect(pusherOf({})).toBe("unknown");
  });
});

describe("formatVerdict", () => {
  it("gives each finding its own block with the advice for how the key got there", () => {
    const v = decideVerdict(scanned([finding({ vector: "frontend-env", path: "web/.env" }), finding({ source: "commit-message", path: "(commit message)" })]), cfg(), none);
    const text = formatVerdict(v, { gitlab: false });
    expect(text).toContain("push rejected: 2 secrets found");
    expect(text).toContain("file:   web/.env, line 3");
    expect(text).toContain("browsers");
    expect(text).toContain("file:   (commit message)");
    expect(text).toContain("reword");
    expect(text).toContain("What to do now:");
  });

  it("says nothing about a clean push, and prefixes every line under GitLab", () => {
    expect(formatVerdict(decideVerdict(scanned([]), cfg(), none), { gitlab: false })).toBe("");
    const text = formatVerdict(decideVerdict(scanned([finding({})]), cfg(), none), { gitlab: true });
    for (const line of text.trimEnd().split("\n")) expect(line.startsWith("GL-HOOK-ERR: ")).toBe(true);
  });
});
