import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { runGit } from "../helpers/repo.js";
import type { ServedRepo, StoreKind, World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, settle, STORE_KINDS } from "./harness.js";

// A new ref's range is what no tip the app has scanned reaches (app/scanned-tips.ts), never
// what the mirror's other refs reach: those may have arrived with the same fetch, their own
// deliveries not scanned yet, each excluding the other. The attack: two new branches pushed
// at once, the key in a commit both reach and no scanned ref does.

const ZERO = "0".repeat(40);

/** A repository the app has seen: `setup` commits on main, then its first push, scanned. */
async function seenRepo(store: StoreKind, setup: (repo: ServedRepo) => void = (r) => r.work.commit("init", { "README.md": "shop\n" })) {
  const world = await createWorld({ store });
  const repo = world.addRepo("shop");
  setup(repo);
  const app = await world.start();
  await world.deliver(app, "push", repo.pushPayload(repo.push()));
  await settle(app);
  return { world, repo, app };
}

/** A repository the app has seen (first sight done), and two new branches: `other` with a key, `clean` branched from it. */
async function twoNewBranches(store: StoreKind) {
  const { world, repo, app } = await seenRepo(store);
  await app.close();
  expect(world.gh.state.checkRunsOf(repo.fullName).map((r) => r.conclusion)).toEqual(["success"]);

  const key = fakeKey();
  const w = repo.work.dir;
  runGit(w, ["checkout", "-q", "-b", "other"]);
  repo.work.commit("payments", { "src/pay.js": `module.exports = "${key}";\n` });
  runGit(w, ["checkout", "-q", "-b", "clean"]);
  repo.work.commit("docs", { "docs/a.md": "a\n" });
  runGit(w, ["checkout", "-q", "main"]);
  repo.work.commit("main moves on", { "src/main.js": "module.exports = 1;\n" });
  const tip = (ref: string) => runGit(repo.bare, ["rev-parse", ref]).trim();
  // One `git push` creating both branches (and moving main): one fetch sees all of them.
  runGit(w, ["push", "-q", repo.bare, "main", "other", "clean"]);
  const pushes = {
    main: { before: world.gh.state.checkRunsOf(repo.fullName)[0]!.head_sha, after: tip("refs/heads/main"), ref: "refs/heads/main" },
    other: { before: ZERO, after: tip("refs/heads/other"), ref: "refs/heads/other" },
    clean: { before: ZERO, after: tip("refs/heads/clean"), ref: "refs/heads/clean" },
  };
  return { world, repo, key, pushes };
}

type LogLine = { msg?: string; after?: string; commits?: number; scanned?: number };
const logLines = (world: World): LogLine[] => world.logs.map((l) => JSON.parse(l) as LogLine);

/** The key failed a check run and opened one incident issue, and was never written out whole. */
function expectCaught(world: World, repo: ServedRepo, key: string, pushed: { other: { after: string } }): void {
  const failing = world.gh.state.checkRunsOf(repo.fullName).filter((r) => r.conclusion === "failure");
  expect(failing.length).toBeGreaterThan(0);
  for (const r of failing) expect(String(r.output.summary)).toContain(redacted(key));
  expect(failing.map((r) => r.head_sha)).toContain(pushed.other.after);
  const issues = world.gh.state.issuesOf(repo.fullName);
  expect(issues).toHaveLength(1);
  expect(String(issues[0]!.body)).toContain(redacted(key));
  expectKeyNowhere(world, key);
  world.gh.expectNoViolations();
}

describe.each(STORE_KINDS)("a new ref's range, on %s", (store) => {
  it("two new branches pushed at once, the key only in the commit both reach: a failing check run and one issue", { timeout: E2E_TIMEOUT }, async () => {
    const { world, repo, key, pushes } = await twoNewBranches(store);
    // Both deliveries queued, then taken as one batch after one fetch that sees both refs.
    const door = await world.start({ processDeliveries: false });
    const ids: string[] = [];
    for (const p of [pushes.other, pushes.clean]) ids.push((await world.deliver(door, "push", repo.pushPayload(p))).id);
    await door.close();
    const app = await world.start();
    await settle(app);
    for (const id of ids) expect(await app.store.deliveryState(id)).toBe("done");
    expectCaught(world, repo, key, pushes);
    // Scanned in one pass, and each push given its result from it: the pass worked out the
    // same selections as the pushes' own jobs, `clean`'s after `other` recorded its tip.
    const lines = logLines(world);
    expect(lines.some((l) => l.msg === "pushes of one repository scanned together" && l.scanned === 2)).toBe(true);
    expect(lines.filter((l) => l.msg === "push scanned on its own, not with its batch")).toEqual([]);
    // Each branch's check run is on its own tip; `clean` adds only a clean commit to what was scanned.
    const runs = world.gh.state.checkRunsOf(repo.fullName);
    expect(runs.find((r) => r.head_sha === pushes.other.after)?.conclusion).toBe("failure");
    expect(runs.find((r) => r.head_sha === pushes.clean.after)?.conclusion).toBe("success");
  });

  it("refs fetched for an earlier delivery and delivered later, one at a time: a failing check run and one issue", { timeout: E2E_TIMEOUT }, async () => {
    const { world, repo, key, pushes } = await twoNewBranches(store);
    const app = await world.start();
    // main's delivery fetches the mirror: it now holds `other` and `clean`, neither scanned.
    await world.deliver(app, "push", repo.pushPayload(pushes.main));
    await settle(app);
    // `clean` first: the mirror's `other` reaches the key, but was never scanned.
    for (const p of [pushes.clean, pushes.other]) {
      await world.deliver(app, "push", repo.pushPayload(p));
      await settle(app);
    }
    expectCaught(world, repo, key, { other: pushes.clean });
    const runs = world.gh.state.checkRunsOf(repo.fullName);
    expect(runs.find((r) => r.head_sha === pushes.clean.after)?.conclusion).toBe("failure");
    // `other` then adds nothing the app has not scanned: its own range is empty of keys.
    expect(runs.find((r) => r.head_sha === pushes.other.after)?.conclusion).toBe("success");
    expect(runs.find((r) => r.head_sha === pushes.main.after)?.conclusion).toBe("success");
  });

  it("an ordinary new branch is scanned for its own commits only, not the history below it", { timeout: E2E_TIMEOUT }, async () => {
    const { world, repo, app } = await seenRepo(store, (r) => {
      for (let i = 0; i < 6; i++) r.work.commit(`main ${i}`, { [`src/m${i}.js`]: `module.exports = ${i};\n` });
    });
    runGit(repo.work.dir, ["checkout", "-q", "-b", "feature"]);
    const key = fakeKey();
    repo.work.commit("feature", { "src/f.js": `module.exports = "${key}";\n` });
    const feature = repo.push("feature");
    await world.deliver(app, "push", repo.pushPayload({ ...feature, before: ZERO }));
    await settle(app);
    const scanned = logLines(world).filter((l) => l.msg === "scanned" && l.after === feature.after);
    expect(scanned.map((l) => l.commits)).toEqual([1]);
    expect(world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === feature.after)?.conclusion).toBe("failure");
    expectKeyNowhere(world, key);
  });

  it("a repository with no record of scanned tips (first seen before they were kept) excludes nothing, not even the default branch's tip", { timeout: E2E_TIMEOUT }, async () => {
    const { world, repo, app } = await seenRepo(store);
    // As an older version left it: the history scanned, no tips recorded.
    await app.store.recordTips(repo.fullName, new Map(), true);
    expect(await app.store.scannedTips(repo.fullName)).toEqual(new Map());
    // main gets a key; its delivery has not come yet when a branch made from it is delivered.
    const key = fakeKey();
    repo.work.commit("payments", { "src/pay.js": `module.exports = "${key}";\n` });
    repo.push();
    runGit(repo.work.dir, ["checkout", "-q", "-b", "feature"]);
    repo.work.commit("docs", { "docs/a.md": "a\n" });
    const feature = repo.push("feature");
    await world.deliver(app, "push", repo.pushPayload({ ...feature, before: ZERO }));
    await settle(app);
    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === feature.after)!;
    expect(run.conclusion).toBe("failure");
    expect(String(run.output.summary)).toContain(redacted(key));
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    // From now on the record holds what was scanned: the branch's tip.
    expect(await app.store.scannedTips(repo.fullName)).toEqual(new Map([["refs/heads/feature", feature.after]]));
    expectKeyNowhere(world, key);
  });

  it("a deleted ref's tip is forgotten, in a batch as alone: a branch made again on it is scanned for what it reaches", { timeout: E2E_TIMEOUT }, async () => {
    const { world, repo, app } = await seenRepo(store);
    // `old` carries a key, is scanned (one issue), then deleted and pushed again as `again`.
    const key = fakeKey();
    runGit(repo.work.dir, ["checkout", "-q", "-b", "old"]);
    repo.work.commit("payments", { "src/pay.js": `module.exports = "${key}";\n` });
    const old = repo.push("old");
    await world.deliver(app, "push", repo.pushPayload(old));
    await settle(app);
    expect(await app.store.scannedTips(repo.fullName)).toEqual(new Map([["refs/heads/main", runGit(repo.bare, ["rev-parse", "main"]).trim()], ["refs/heads/old", old.after]]));
    await app.close();
    runGit(repo.work.dir, ["checkout", "-q", "-b", "again"]);
    repo.work.commit("more", { "src/more.js": "module.exports = 2;\n" });
    runGit(repo.work.dir, ["checkout", "-q", "-b", "other", "main"]);
    repo.work.commit("docs", { "docs/a.md": "a\n" });
    const deleted = repo.deleteBranch("old");
    const again = repo.push("again");
    const other = repo.push("other");
    const door = await world.start({ processDeliveries: false });
    for (const p of [deleted, again, other]) await world.deliver(door, "push", repo.pushPayload(p));
    await door.close();
    const logsFrom = world.logs.length;
    const next = await world.start();
    await settle(next);
    // `again` reaches the key, and no recorded tip does any more: its check run says so again.
    const runs = world.gh.state.checkRunsOf(repo.fullName);
    expect(runs.find((r) => r.head_sha === again.after && r.conclusion === "failure")).toBeDefined();
    expect(world.gh.state.issuesOf(repo.fullName)).toHaveLength(1);
    // The shared pass forgot the deleted tip as the jobs did: every push was given its result from it.
    const lines = world.logs.slice(logsFrom).map((l) => JSON.parse(l) as LogLine);
    expect(lines.some((l) => l.msg === "pushes of one repository scanned together" && l.scanned === 2)).toBe(true);
    expect(lines.filter((l) => l.msg === "push scanned on its own, not with its batch")).toEqual([]);
    expect([...(await next.store.scannedTips(repo.fullName)).keys()]).toEqual(["refs/heads/again", "refs/heads/main", "refs/heads/other"]);
    expectKeyNowhere(world, key);
  });
});
