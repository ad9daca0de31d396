import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { createPushFixture } from "./push-fixture.js";
import type { PushResult } from "./push-fixture.js";
import { expectAccepted, started } from "./push-expect.js";

// Issue 8 against a real server: what the hook prints and logs can hurt no one, and an
// inline `leakguard:allow` is not a way around it.

let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
});

/** What the hook wrote: git prefixes every line of it with `remote: `. */
function hookLines(r: PushResult): string {
  return r.output
    .split("\n")
    .filter((l) => l.startsWith("remote:"))
    .join("\n");
}

describe("pre-receive: a key in a ref name", () => {
  it("is a finding: the push is rejected, and the hook's message holds only the redacted key", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    const before = remote.refs();
    const r = fx.push(repo, ["origin", `main:refs/heads/fix-${key}`]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("pre-receive hook declined");
    expect(remote.refs()).toBe(before);
    const lines = hookLines(r);
    expect(lines).toContain(`(ref refs/heads/fix-${redacted(key)})`);
    expect(lines).not.toContain(key);
  });

  it("a ref name with a bidi override (git allows it; control bytes it refuses) is quoted in the message", async () => {
    const { repo } = await started(fx);
    const key = fakeKey();
    const r = fx.push(repo, ["origin", `main:refs/heads/x\u202e-${key}`]);
    expect(r.status).not.toBe(0);
    const lines = hookLines(r);
    expect(lines).toContain(String.raw`"(ref refs/heads/x\342\200\256-` + `${redacted(key)})"`);
    expect(lines).not.toContain("\u202e");
    expect(lines).not.toContain(key);
  });

  it("a bypass of it is audited with the ref name redacted", async () => {
    const { remote, repo } = await started(fx, { pushOptions: true, config: "bypass:\n  allowed: true\n" });
    const key = fakeKey();
    const r = fx.push(repo, ["-o", "leakguard.bypass=false-positive", "origin", `main:refs/tags/v1-${key}`]);
    expect(r.status).toBe(0);
    expect(hookLines(r)).not.toContain(key);
    const log = readFileSync(join(remote.dir, "leakguard-audit.log"), "utf8");
    expect(log).not.toContain(key);
    const entry = JSON.parse(log.trim());
    expect(entry.refs).toEqual([expect.objectContaining({ ref: `refs/tags/v1-${redacted(key)}` })]);
    expect(entry.findings).toEqual([expect.objectContaining({ path: `(ref refs/tags/v1-${redacted(key)})`, redacted: redacted(key) })]);
  });
});

describe("pre-receive: control characters in a pushed path are quoted, never relayed raw", () => {
  it.each([
    ["an escape sequence", "evil\x1b[2J\x1b[1;1H.txt", String.raw`"evil\033[2J\033[1;1H.txt"`],
    ["a newline forging an 'accepted' line", "a\nremote: [leakguard] push accepted.txt", String.raw`"a\nremote: [leakguard] push accepted.txt"`],
    ["a carriage return", "k.txt\rok", String.raw`"k.txt\rok"`],
  ])("%s", async (_name, path, quoted) => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("leak", { [path]: `${key}\n` });
    const r = fx.push(repo, ["origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(remote.refs()).toBe(before);
    const lines = hookLines(r);
    expect(lines).toContain(`file:   ${quoted}, line 1`);
    expect(lines).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(lines).not.toContain(key);
  });
});

describe("pre-receive: leakguard:allow is the pusher's word, not a bypass", () => {
  it("never lets a live key through by default, even with bypass off", async () => {
    const { remote, repo } = await started(fx);
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("sneak", { "pay.js": `const k = "${key}"; // leakguard:allow\n` });
    const r = fx.push(repo, ["origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(remote.refs()).toBe(before);
    expect(hookLines(r)).toContain(`stripe-live-secret-key [critical]: ${redacted(key)}`);
    expect(hookLines(r)).not.toContain(key);
    expect(existsSync(join(remote.dir, "leakguard-audit.log"))).toBe(false);
  });

  it("lets a test key through by default, and says so", async () => {
    const { repo } = await started(fx, { config: "blockSeverity: medium\n" });
    const key = fakeKey("sk", "test");
    repo.commit("fixture", { "spec/fixture.js": `const k = "${key}"; // leakguard:allow\n` });
    const r = fx.push(repo, ["origin", "main"]);
    expectAccepted(r, [key]);
    expect(hookLines(r)).toContain("1 finding let through by a leakguard:allow comment");
    expect(hookLines(r)).toContain(`stripe-test-secret-key [medium]: ${redacted(key)}, spec/fixture.js, line 1`);
  });

  it("inlineAllow: none honours no comment at all", async () => {
    const { remote, repo } = await started(fx, { config: "blockSeverity: medium\ninlineAllow: none\n" });
    const before = remote.refs();
    repo.commit("fixture", { "spec/fixture.js": `const k = "${fakeKey("sk", "test")}"; // leakguard:allow\n` });
    expect(fx.push(repo, ["origin", "main"]).status).not.toBe(0);
    expect(remote.refs()).toBe(before);
  });

  it("inlineAllow: all lets a live key through only on the record: audited like a bypass", async () => {
    const { remote, repo } = await started(fx, { config: "inlineAllow: all\n" });
    const key = fakeKey();
    const commit = repo.commit("fixture", { "pay.js": `const k = "${key}"; // leakguard:allow\n` });
    const r = fx.push(repo, ["origin", "main"]);
    expectAccepted(r, [key]);
    expect(hookLines(r)).toContain("1 of them would have blocked the push: recorded in the audit log.");
    const log = readFileSync(join(remote.dir, "leakguard-audit.log"), "utf8");
    expect(log).not.toContain(key);
    const entry = JSON.parse(log.trim());
    expect(entry).toMatchObject({ pusher: "ada", reason: "inline-allow", scanned: true });
    expect(entry.findings).toEqual([expect.objectContaining({ rule: "stripe-live-secret-key", redacted: redacted(key), commit })]);
  });

  it("inlineAllow: all with an audit log that cannot be written: no record, no allow", async () => {
    const { remote, repo } = await started(fx, { config: "inlineAllow: all\nauditLog: /dev/null/audit.log\n" });
    const key = fakeKey();
    const before = remote.refs();
    repo.commit("fixture", { "pay.js": `const k = "${key}"; // leakguard:allow\n` });
    const r = fx.push(repo, ["origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(remote.refs()).toBe(before);
    expect(hookLines(r)).toContain("leakguard:allow refused: the audit log cannot be written");
  });
});
