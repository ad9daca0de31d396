import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { fakeKey, fakeLongKey } from "../helpers/keys.js";
import { tempDir } from "../helpers/repo.js";
import { makeTestApp } from "../helpers/github-double/index.js";
import { E2E_TIMEOUT, createWorld, expectKeyNowhere, filesOutsideObjects, settle } from "./harness.js";

// Issue 9, items 2, 3 and 7: nothing the app keeps on disk, logs or hands to a child
// process holds a key or the app's own secrets.

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("what the app keeps", { timeout: E2E_TIMEOUT }, () => {
  it("stores no key from commit messages, whatever comes before it: a newline, a tab, a literal \\n", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("shop");
    const [afterNewline, afterTab, afterBackslashN, inBranchMessage] = [fakeKey(), fakeLongKey("rk"), fakeKey("sk", "test"), fakeKey()];
    const messages = [`rotate stripe\n\n${afterNewline}`, `x\t${afterTab}`, `literal\\n${afterBackslashN}`, `${inBranchMessage}`];
    for (const [i, message] of messages.entries()) repo.work.commit(message, { [`f${i}.txt`]: `${i}\n` });
    const push = repo.push();
    const payload = repo.pushPayload(push);
    const head = payload["head_commit"] as Record<string, unknown>;
    const commits = messages.map((message, i) => ({ ...head, id: `${i}`.repeat(40), message }));
    const { id } = await world.deliver(app, "push", { ...payload, commits, head_commit: { ...head, message: messages.join("\n") } });
    await settle(app);
    expect(await app.store.deliveryState(id)).toBe("done");

    // Only the fields the job needs were kept: no commit message at all.
    const db = new Database(join(world.dataDir, "leakguard.db"), { readonly: true });
    const stored = JSON.parse((db.prepare("SELECT payload FROM deliveries WHERE id = ?").get(id) as { payload: string }).payload) as Record<string, unknown>;
    db.close();
    expect(Object.keys(stored).sort()).toEqual(["after", "before", "deleted", "installation", "pusher", "ref", "repository", "sender"]);

    // Every byte under the data dir (outside git object stores, WAL and SHM included: searched
    // while the app runs, as a clean close folds the WAL away) and every log line.
    expect(filesOutsideObjects(world.dataDir).map((f) => f.slice(world.dataDir.length + 1))).toEqual(expect.arrayContaining(["leakguard.db", "leakguard.db-wal", "leakguard.db-shm"]));
    for (const key of [afterNewline, afterTab, afterBackslashN, inBranchMessage]) expectKeyNowhere(world, key);
    await app.close();
  });

  it("creates the data dir 0700 and every file 0600 under umask 022, and tightens an existing 0755 dir", async () => {
    const previous = process.umask(0o022);
    try {
      const world = await createWorld();
      chmodSync(world.dataDir, 0o755); // as an operator's `mkdir` would leave it
      writeFileSync(join(world.dataDir, "leakguard.db"), "");
      chmodSync(join(world.dataDir, "leakguard.db"), 0o644);
      const app = await world.start();
      const repo = world.addRepo("private-shop", { private: true });
      repo.work.commit("init", { "a.txt": "a\n", "pay.js": `stripe("${fakeKey()}")\n` });
      await world.deliver(app, "push", repo.pushPayload(repo.push()));
      await settle(app);

      const mirror = join(world.dataDir, "mirrors", "acme", "private-shop.git");
      expect(statSync(join(mirror, "HEAD")).isFile()).toBe(true); // the mirror exists: its modes are checked below
      expect(mode(world.dataDir)).toBe(0o700);
      for (const f of ["leakguard.db", "leakguard.db-wal", "leakguard.db-shm"]) expect([f, mode(join(world.dataDir, f))]).toEqual([f, 0o600]);
      for (const d of [join(world.dataDir, "mirrors"), join(world.dataDir, "mirrors", "acme"), mirror]) expect([d, mode(d)]).toEqual([d, 0o700]);
      // Nothing anywhere under the data dir is readable by group or others, git's own files included.
      const open = walk(world.dataDir).filter((p) => (mode(p) & 0o077) !== 0);
      expect(open).toEqual([]);
      await app.close();
    } finally {
      process.umask(previous);
    }
  });

  it("purges finished deliveries after the retention period, and still refuses a replay of their bodies", async () => {
    const world = await createWorld();
    world.config.retentionDays = 0; // anything finished is past retention at the next purge
    const first = await world.start();
    const repo = world.addRepo("shop");
    repo.work.commit("init", { "a.txt": "a\n" });
    const payload = repo.pushPayload(repo.push());
    const { id } = await world.deliver(first, "push", payload);
    await settle(first);
    expect(await first.store.deliveryState(id)).toBe("done");
    await first.close();
    // Next run: acknowledged and queued, never processed (the process stops first).
    const pending = await world.start({ processDeliveries: false });
    repo.work.commit("more", { "b.txt": "b\n" });
    const queued = await world.deliver(pending, "push", repo.pushPayload(repo.push()));
    await pending.close();

    const second = await world.start({ processDeliveries: false }); // purges at start
    expect(await second.store.deliveryState(id)).toBeNull();
    expect(await second.store.deliveryState(queued.id)).toBe("pending"); // not finished: kept
    expect(world.logs.some((l) => l.includes("finished deliveries past the retention period purged"))).toBe(true);
    const replay = await world.deliver(second, "push", payload); // the same bytes, a new delivery id
    expect(replay.status).toBe(200);
    expect(await second.store.deliveryState(replay.id)).toBeNull();
    await second.close();
  });

  it("hands none of the app's secrets to any git process it starts", async () => {
    const world = await createWorld();
    const seen = tempDir("leakguard-git-env-");
    const bin = tempDir("leakguard-git-wrapper-");
    const realGit = process.env["PATH"]!.split(":").map((d) => join(d, "git")).find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    })!;
    // A `git` first on PATH that writes the environment it was given, then runs the real one.
    writeFileSync(join(bin, "git"), `#!/bin/sh\nf=$(mktemp "${seen}/env.XXXXXX")\nenv > "$f"\necho "ARGS $*" >> "$f"\nexec "${realGit}" "$@"\n`);
    chmodSync(join(bin, "git"), 0o755);
    mkdirSync(seen, { recursive: true });
    const saved = { ...process.env };
    const otherKey = makeTestApp().privateKeyPem;
    Object.assign(process.env, {
      PATH: `${bin}:${process.env["PATH"]}`,
      WEBHOOK_SECRET: world.config.webhookSecret,
      PRIVATE_KEY: otherKey,
      PRIVATE_KEY_PATH: "/run/secrets/leakguard.pem",
      APP_ID: world.config.appId,
      DATABASE_URL: "postgres://leakguard:db-password-for-tests@db/leakguard",
    });
    try {
      const app = await world.start();
      const repo = world.addRepo("shop");
      repo.work.commit("init", { "a.txt": "a\n", ".env": `STRIPE_SECRET_KEY=${fakeKey()}\n` });
      await world.deliver(app, "push", repo.pushPayload(repo.push()));
      await settle(app);
      await app.close();
      expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => r.conclusion)).toEqual(["failure"]);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const envs = readdirSync(seen).map((f) => readFileSync(join(seen, f), "utf8"));
    expect(envs.some((e) => e.includes("ARGS ") && e.includes(" fetch "))).toBe(true); // the fetch went through the wrapper
    expect(envs.some((e) => e.includes("cat-file"))).toBe(true); // and so did the scan
    const secretLine = otherKey.split("\n")[1]!;
    for (const env of envs) {
      for (const needle of [world.config.webhookSecret, secretLine, "PRIVATE_KEY", "WEBHOOK_SECRET", "APP_ID=", "db-password-for-tests", "/run/secrets/"]) expect(env).not.toContain(needle);
      // The token header is in the fetch's environment only.
      if (!/^ARGS .*\bfetch\b/m.test(env)) expect(env).not.toContain("extraHeader");
    }
  });
});
