import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { Fixture } from "./push-expect.js";
import { expectAccepted, expectRejected, started } from "./push-expect.js";

// The operator's policy at work on real pushes: bypass, time budget, fail modes, bad config.

export function policyScenarios(fx: () => Fixture): void {
  it("accepts a bypass with a reason when the server allows it, and records it without the key", async () => {
    const { remote, repo } = await started(fx(), { pushOptions: true, config: "bypass:\n  allowed: true\n" });
    const key = fakeKey();
    const leak = repo.commit("fixture", { "spec/keys.rb": `KEY = "${key}"\n` });
    const r = fx().push(repo, ["-o", "leakguard.bypass=false-positive", "origin", "main"]);
    expectAccepted(r, [key]);
    expect(r.output).toContain("push accepted on bypass ('false-positive')");
    expect(remote.refs()).toContain(`${leak} refs/heads/main`);
    const log = readFileSync(join(remote.dir, "leakguard-audit.log"), "utf8");
    expect(log).not.toContain(key);
    const entry = JSON.parse(log.trim());
    expect(entry).toMatchObject({ pusher: "ada", reason: "false-positive", scanned: true });
    expect(entry.refs).toEqual([expect.objectContaining({ ref: "refs/heads/main", new: leak })]);
    expect(entry.findings).toEqual([expect.objectContaining({ rule: "stripe-live-secret-key", redacted: redacted(key), commit: leak })]);
  });

  it("refuses a bypass the config does not allow, and one with an unknown reason", async () => {
    const { remote, repo } = await started(fx(), { pushOptions: true });
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("leak", { "k.txt": key });
    const r = fx().push(repo, ["-o", "leakguard.bypass=will-fix-later", "origin", "main"]);
    expectRejected(r, remote, before, [key]);
    expect(r.output).toContain("bypass is turned off on this server");
    expect(r.output).not.toContain("git push -o");

    const allowed = await started(fx(), { pushOptions: true, config: "bypass:\n  allowed: true\n" });
    const before2 = allowed.remote.refs();
    allowed.repo.commit("leak", { "k.txt": key });
    const r2 = fx().push(allowed.repo, ["-o", "leakguard.bypass=because", "origin", "main"]);
    expectRejected(r2, allowed.remote, before2, [key]);
    expect(r2.output).toContain("'because' is not a bypass reason here; use one of: false-positive, used-in-tests, will-fix-later");
  });

  it("cannot be bypassed when the server does not take push options", async () => {
    const { remote, repo } = await started(fx(), { config: "bypass:\n  allowed: true\n" });
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("leak", { "k.txt": key });
    const r = fx().push(repo, ["-o", "leakguard.bypass=false-positive", "origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("the receiving end does not support push options");
    expect(remote.refs()).toBe(before);
    // Without the option the hook explains how to ask for a bypass.
    const r2 = fx().push(repo, ["origin", "main"]);
    expectRejected(r2, remote, before, [key]);
    expect(r2.output).toContain("git push -o leakguard.bypass=<reason>");
  });

  it("fails closed when the time budget runs out: the push is rejected and says why", async () => {
    const { remote, repo } = await started(fx());
    writeFileSync(join(remote.dir, "leakguard-hook.yml"), "timeBudgetMs: 1\n");
    const before = remote.refs();
    repo.commit("clean change", { "a.txt": "a\n" });
    const r = fx().push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, []);
    expect(r.output).toContain("did not finish within its time budget (1 ms)");
    expect(r.output).toContain("failMode: closed");
  });

  it("fails open when configured so: the push lands with a warning, even unscanned", async () => {
    const { remote, repo } = await started(fx());
    writeFileSync(join(remote.dir, "leakguard-hook.yml"), "timeBudgetMs: 1\nfailMode: open\n");
    const key = fakeKey();
    const head = repo.commit("leak", { "k.txt": key });
    const r = fx().push(repo, ["origin", "main"]);
    expectAccepted(r, [key]);
    expect(r.output).toContain("the server accepts unscanned pushes (failMode: open)");
    expect(remote.refs()).toContain(`${head} refs/heads/main`);
  });

  it("rejects every push with a one-line reason while the config is invalid", async () => {
    const { remote, repo } = await started(fx());
    writeFileSync(join(remote.dir, "leakguard-hook.yml"), "failMode: sometimes\n");
    const before = remote.refs();
    repo.commit("clean", { "a.txt": "a\n" });
    const r = fx().push(repo, ["origin", "main"]);
    expectRejected(r, remote, before, []);
    expect(r.output).toMatch(/remote: \[leakguard\] bad hook config .*leakguard-hook\.yml: failMode: .*\(push rejected\)/);
    expect(r.output).not.toMatch(/\n\s+at /); // no stack trace
  });
}
