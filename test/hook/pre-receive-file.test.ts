import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { tempDir } from "../helpers/repo.js";
import { createPushFixture } from "./push-fixture.js";
import { pushScenarios } from "./push-scenarios.js";

// Pushes over file://: git runs receive-pack, and so the hook, with the pusher's
// environment, which is how these tests play GitLab (GL_ID) and watch quarantine.

let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
});

describe("pre-receive hook, pushing over file://", () => {
  pushScenarios(() => fx);

  it("reads the pushed objects from git's quarantine, before they reach the object store", async () => {
    const remote = await fx.makeRemote({ install: false });
    const log = join(tempDir(), "quarantine.log");
    // An existing hook that records what a pre-receive hook sees; leakguard chains to it.
    const probe = [
      "#!/bin/sh",
      "while read old new ref; do",
      `  echo "quarantine=$GIT_QUARANTINE_PATH" >> '${log}'`,
      "  if (unset GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_QUARANTINE_PATH; git cat-file -e \"$new\" 2>/dev/null);",
      `  then echo main-store >> '${log}'; else echo quarantine-only >> '${log}'; fi`,
      "done",
    ].join("\n");
    writeFileSync(join(remote.dir, "hooks", "pre-receive"), probe + "\n");
    chmodSync(join(remote.dir, "hooks", "pre-receive"), 0o755);
    await remote.install({ chain: true });

    const repo = fx.cloneOf(remote);
    const clean = repo.commit("init", { "README.md": "x\n" });
    expect(fx.push(repo, ["origin", "main"]).status).toBe(0);
    expect(readFileSync(log, "utf8")).toMatch(/^quarantine=\S*incoming\S*\nquarantine-only\n$/);
    expect(remote.has(clean)).toBe(true);

    const key = fakeKey();
    const leak = repo.commit("leak", { "k.txt": key });
    const r = fx.push(repo, ["origin", "main"]);
    expect(r.output).toContain(`commit: ${leak}`); // read from quarantine...
    expect(remote.has(leak)).toBe(false); // ...and gone with it
    expect(readFileSync(log, "utf8").split("\n").filter(Boolean)).toHaveLength(2); // the chained hook ran only for the accepted push
  });

  it("prefixes every line with GL-HOOK-ERR: under GitLab, so its web UI shows them", async () => {
    const remote = await fx.makeRemote();
    const repo = fx.cloneOf(remote);
    const key = fakeKey();
    repo.commit("leak", { "k.txt": key });
    const r = fx.push(repo, ["origin", "main"], { GL_ID: "user-7", GL_USERNAME: "ada", GL_PROTOCOL: "ssh" });
    expect(r.status).not.toBe(0);
    const hookLines = r.output.split("\n").filter((l) => l.startsWith("remote:") && l.replace(/^remote:\s*/, "").trim() !== "");
    expect(hookLines.length).toBeGreaterThan(5);
    for (const l of hookLines) expect(l).toMatch(/^remote: GL-HOOK-ERR: /);
    expect(r.output).toContain(redacted(key));
    expect(r.output).not.toContain(key);
  });

  it("names blobs over maxBlobBytes as not scanned instead of skipping them silently", async () => {
    const remote = await fx.makeRemote({ config: "maxBlobBytes: 1000\n" });
    const repo = fx.cloneOf(remote);
    const key = fakeKey();
    repo.commit("big", { "data/dump.sql": "x".repeat(2000) + key + "\n" });
    const r = fx.push(repo, ["origin", "main"]);
    expect(r.status).toBe(0);
    expect(r.output).toContain("1 file over the size limit (maxBlobBytes) were not scanned");
    expect(r.output).not.toContain(key);
  });

  it("refuses a bypass it cannot record in the audit log", async () => {
    const remote = await fx.makeRemote({ pushOptions: true, config: "bypass:\n  allowed: true\nauditLog: /dev/null/audit.log\n" });
    const repo = fx.cloneOf(remote);
    const key = fakeKey();
    repo.commit("leak", { "k.txt": key });
    const r = fx.push(repo, ["-o", "leakguard.bypass=used-in-tests", "origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("bypass refused: the audit log cannot be written");
    expect(remote.refs()).toBe("");
  });
});
