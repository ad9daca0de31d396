import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { runGit } from "../helpers/repo.js";
import type { ServedRepo, World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, settle } from "./harness.js";

// Pushes of one repository queued together are scanned in one pass (scan-worker/scan-batch.ts), and
// every delivery must still get exactly what its own scan would have given it. The same
// mixed history is served twice, as two repositories: one receives the pushes queued (one
// batch), the other one delivery at a time (each its own scan); every check run and every
// issue must come out the same.

const ZERO = "0".repeat(40);

interface Push {
  before: string;
  after: string;
  ref: string;
}

/** Pushes `refspec` from the shared work repo to both served repositories; the push as GitHub describes it. */
function pushBoth(work: string, repos: ServedRepo[], src: string, ref: string, force = true): Push {
  const before = runGit(repos[0]!.bare, ["for-each-ref", "--format=%(objectname)", ref]).trim() || ZERO;
  for (const r of repos) runGit(work, ["push", "-q", ...(force ? ["--force"] : []), r.bare, `${src}:${ref}`]);
  return { before, after: runGit(repos[0]!.bare, ["rev-parse", ref]).trim(), ref };
}

/** What the check runs show, by commit, with the repository's own name taken out. */
/**
 * One history served as two repositories: `batched` gets the deliveries queued as one
 * batch, `solo` the same deliveries one at a time. Both start with main's first commit pushed.
 */
async function twins(): Promise<{ world: World; batched: ServedRepo; solo: ServedRepo; both: ServedRepo[]; work: ServedRepo["work"]; w: string; main: Push }> {
  const world = await createWorld();
  const batched = world.addRepo("batched");
  const solo = world.addRepo("solo");
  const both = [batched, solo];
  // One history, pushed to both: the solo repository's work repo stays unused.
  const work = batched.work;
  work.commit("init", { "README.md": "shop\n" });
  return { world, batched, solo, both, work, w: work.dir, main: pushBoth(work.dir, both, "main", "refs/heads/main") };
}

/** An app log line, as the batch tests read it. */
type LogLine = { msg?: string; why?: string; scanned?: number; pushes?: number; after?: string; repo?: string };

/**
 * `pushes` delivered to `batched` while no worker runs, so that an app started afterwards
 * takes them as one batch; then the same pushes to `solo`, one delivery at a time. Returns
 * the app, the batched deliveries' ids, and every log line from its start on.
 */
async function batchedThenSolo(world: World, batched: ServedRepo, solo: ServedRepo, pushes: readonly Push[]) {
  const door = await world.start({ processDeliveries: false });
  const ids: string[] = [];
  for (const p of pushes) {
    const { status, id } = await world.deliver(door, "push", batched.pushPayload(p));
    expect(status).toBe(202);
    ids.push(id);
  }
  await door.close();
  const logsFrom = world.logs.length;
  const app = await world.start();
  await settle(app);
  for (const p of pushes) {
    await world.deliver(app, "push", solo.pushPayload(p));
    await settle(app);
  }
  return { app, ids, lines: () => world.logs.slice(logsFrom).map((l) => JSON.parse(l) as LogLine) };
}

function shown(world: World, repo: ServedRepo): string[] {
  const name = repo.fullName;
  return world.gh.state
    .checkRunsOf(name)
    .map((r) => JSON.stringify({ sha: r.head_sha, status: r.status, conclusion: r.conclusion, output: r.output }).split(name).join("REPO"))
    .sort();
}

describe("queued pushes scanned in one pass", { timeout: E2E_TIMEOUT }, () => {
  it("give every delivery the same check run and issues as its own scan would", async () => {
    const { world, batched, solo, both, work, w, main: warm } = await twins();
    const first = await world.start();
    for (const r of both) await world.deliver(first, "push", r.pushPayload(warm));
    await settle(first);
    await first.close();

    const keys = Array.from({ length: 7 }, () => fakeKey());
    const pushes: Push[] = [];
    // 1. A key on main, and the same file copied to a second path in a later commit of the same push.
    work.commit("add key", { "src/pay.js": `module.exports = "${keys[0]}";\n` });
    work.commit("copy it", { "src/pay-copy.js": `module.exports = "${keys[0]}";\n`, "notes.txt": "copy\n" });
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    // 2. A clean push on main.
    work.commit("clean", { "src/a.js": "module.exports = 1;\n" });
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    // 3. A branch created from the pushed main: the key's blob again at a third path, and a new key.
    runGit(w, ["checkout", "-q", "-b", "feature"]);
    work.commit("feature", { "lib/pay.js": `module.exports = "${keys[0]}";\n`, "lib/new.js": `k = "${keys[1]}";\n` });
    pushes.push(pushBoth(w, both, "feature", "refs/heads/feature"));
    // 4. A branch created from that pushed branch, with a dotenv file at two paths in two commits.
    runGit(w, ["checkout", "-q", "-b", "hotfix"]);
    work.commit("env", { ".env": `STRIPE=${keys[2]}\n` });
    work.commit("env copy", { "config/.env.bak": `STRIPE=${keys[2]}\n` });
    pushes.push(pushBoth(w, both, "hotfix", "refs/heads/hotfix"));
    // 5. A key in a commit message, on main.
    runGit(w, ["checkout", "-q", "main"]);
    work.commit(`deploy with ${keys[3]}`, { "src/b.js": "module.exports = 2;\n" });
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    // 6. An annotated tag whose message holds a key.
    runGit(w, ["tag", "-a", "v1", "-m", `release ${keys[4]}`]);
    pushes.push(pushBoth(w, both, "refs/tags/v1", "refs/tags/v1"));
    // 7. A force-push of main: back one commit, then a new key (the key in the message is gone from main).
    runGit(w, ["reset", "-q", "--hard", "HEAD~1"]);
    work.commit("rewrite", { "src/c.js": `c = "${keys[5]}";\n` });
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    // 8. feature merged into main, with a new key on the merge's side branch.
    runGit(w, ["checkout", "-q", "feature"]);
    work.commit("more feature", { "lib/more.js": `m = "${keys[6]}";\n` });
    pushes.push(pushBoth(w, both, "feature", "refs/heads/feature"));
    runGit(w, ["checkout", "-q", "main"]);
    runGit(w, ["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    // 9. The first push's range again on a new branch name that points at an old commit: nothing new.
    pushes.push(pushBoth(w, both, pushes[0]!.after, "refs/heads/old"));

    // The batched repository takes every delivery as one batch; the solo one, each its own batch of one.
    const { app, ids, lines } = await batchedThenSolo(world, batched, solo, pushes);
    for (const id of ids) expect(await app.store.deliveryState(id)).toBe("done");

    // The batch was scanned in one pass, and most of its pushes were given their result from it.
    const together = lines().filter((l) => l.msg === "pushes of one repository scanned together");
    expect(together.length).toBeGreaterThan(0);
    expect(together.every((l) => l.repo === batched.fullName)).toBe(true);
    expect(together.reduce((n, l) => n + (l.scanned ?? 0), 0)).toBeGreaterThanOrEqual(pushes.length - 3);

    // One check run per delivery (the warm-up's included), on the commit it peels to: the tag's
    // is on the commit it names, the 9th push's on the 1st push's commit.
    for (const repo of both) expect(world.gh.state.checkRunsOf(repo.fullName)).toHaveLength(pushes.length + 1);
    expect(shown(world, batched)).toEqual(shown(world, solo));
    // Each key reached its own push's check run, and the same issues were opened in both.
    const summaries = (repo: ServedRepo) => world.gh.state.checkRunsOf(repo.fullName).map((r) => String(r.output.summary)).join("\n");
    for (const k of keys) expect(summaries(batched)).toContain(redacted(k));
    const titles = (repo: ServedRepo) => world.gh.state.issuesOf(repo.fullName).map((i) => String(i.title).split(repo.fullName).join("REPO")).sort();
    expect(titles(batched)).toEqual(titles(solo));
    expect(titles(batched).length).toBeGreaterThanOrEqual(keys.length);
    for (const k of keys) expectKeyNowhere(world, k);
    world.gh.expectNoViolations();
  });

  it("scan a push on its own where one pass cannot give its exact range or attribution", async () => {
    const { world, batched, solo, both, work, w, main } = await twins();
    const keys = Array.from({ length: 3 }, () => fakeKey());
    const warm = [main];
    // A branch the app already knows, with a key on it, not on main.
    runGit(w, ["checkout", "-q", "-b", "side"]);
    work.commit("side key", { "side.js": `s = "${keys[0]}";\n` });
    warm.push(pushBoth(w, both, "side", "refs/heads/side"));
    // Two branches from main that add the same key at the same path, each in its own commit.
    runGit(w, ["checkout", "-q", "main"]);
    runGit(w, ["checkout", "-q", "-b", "left"]);
    work.commit("left", { "src/k.js": `k = "${keys[1]}";\n` });
    runGit(w, ["checkout", "-q", "main"]);
    runGit(w, ["checkout", "-q", "-b", "right"]);
    work.commit("right", { "src/k.js": `k = "${keys[1]}";\n`, "right.txt": "r\n" });
    const first = await world.start();
    for (const r of both) for (const p of warm) await world.deliver(first, "push", r.pushPayload(p));
    await settle(first);
    await first.close();

    const pushes: Push[] = [];
    // 1. main merges side: its range holds side's commit, which the shared pass leaves out
    //    because the 2nd push excludes it.
    runGit(w, ["checkout", "-q", "main"]);
    runGit(w, ["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    // 2. side moves on.
    runGit(w, ["checkout", "-q", "side"]);
    work.commit("side more", { "side2.js": "t = 2;\n" });
    pushes.push(pushBoth(w, both, "side", "refs/heads/side"));
    // 3. main merges left and right: the key's blob at src/k.js comes from two commits that are
    //    not each other's ancestors, so which is its oldest depends on the walk's own order.
    runGit(w, ["checkout", "-q", "main"]);
    runGit(w, ["merge", "-q", "--no-ff", "-m", "merge left", "left"]);
    runGit(w, ["merge", "-q", "--no-ff", "-m", "merge right", "right"]);
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    // 4. A clean push with a new key elsewhere, given its result by the shared pass.
    runGit(w, ["checkout", "-q", "-b", "later"]);
    work.commit("later", { "later.js": `l = "${keys[2]}";\n` });
    pushes.push(pushBoth(w, both, "later", "refs/heads/later"));
    // 5. A tag on a new commit, and 6. a branch built on that commit: the branch's range stops
    //    at the tag (another ref), though the tag is itself pushed in the batch.
    const tagged = fakeKey();
    keys.push(tagged);
    runGit(w, ["checkout", "-q", "main"]);
    runGit(w, ["checkout", "-q", "-b", "b2"]);
    work.commit("tagged", { "tagged.js": `t = "${tagged}";\n` });
    runGit(w, ["tag", "-a", "v2", "-m", "v2"]);
    work.commit("on top", { "top.js": "x = 1;\n" });
    pushes.push(pushBoth(w, both, "refs/tags/v2", "refs/tags/v2"));
    pushes.push(pushBoth(w, both, "b2", "refs/heads/b2"));

    const { lines: read } = await batchedThenSolo(world, batched, solo, pushes);
    const lines = read();
    const own = lines.filter((l) => l.msg === "push scanned on its own, not with its batch");
    expect(own.map((l) => [l.after, l.why])).toEqual([
      [pushes[0]!.after, "its range reaches below the shared pass"],
      [pushes[2]!.after, "a finding's oldest introduction depends on commit order"],
    ]);
    expect(lines.filter((l) => l.msg === "pushes of one repository scanned together").map((l) => [l.pushes, l.scanned])).toEqual([[6, 4]]);

    expect(shown(world, batched)).toEqual(shown(world, solo));
    const runOf = (sha: string) => world.gh.state.checkRunsOf(batched.fullName).find((r) => r.head_sha === sha)!;
    // The merge of side reports side's key; the merge of left and right reports theirs once.
    expect(String(runOf(pushes[0]!.after).output.summary)).toContain(redacted(keys[0]!));
    expect(String(runOf(pushes[2]!.after).output.summary)).toContain(redacted(keys[1]!));
    expect(String(runOf(pushes[3]!.after).output.summary)).toContain(redacted(keys[2]!));
    // The branch's own range is its last commit only: the tagged commit's key is not on its run.
    expect(String(runOf(pushes[5]!.after).output.summary)).not.toContain(redacted(tagged));
    expect(runOf(pushes[5]!.after).conclusion).toBe("success");
    for (const k of keys) expectKeyNowhere(world, k);
    world.gh.expectNoViolations();
  });

  it("leave every push to its own scan when the shared pass could not read an object", async () => {
    const { world, batched, solo, both, work, w, main } = await twins();
    const warm = [main];
    // A branch whose file the mirrors receive, then find corrupt: a later push that adds the
    // same content elsewhere makes no fetch bring it again.
    runGit(w, ["checkout", "-q", "-b", "stash"]);
    work.commit("stash", { "stash.txt": "kept aside\n" });
    warm.push(pushBoth(w, both, "stash", "refs/heads/stash"));
    const first = await world.start();
    for (const r of both) for (const p of warm) await world.deliver(first, "push", r.pushPayload(p));
    await settle(first);
    await first.close();
    const blob = runGit(w, ["rev-parse", "stash:stash.txt"]).trim();
    for (const r of both) {
      const file = join(world.dataDir, "mirrors", "acme", `${r.record.name}.git`, "objects", blob.slice(0, 2), blob.slice(2));
      rmSync(file);
      writeFileSync(file, "not a zlib stream");
    }

    const key = fakeKey();
    const pushes: Push[] = [];
    runGit(w, ["checkout", "-q", "main"]);
    work.commit("add the lost file", { "docs/stash.txt": "kept aside\n" });
    pushes.push(pushBoth(w, both, "main", "refs/heads/main"));
    runGit(w, ["checkout", "-q", "-b", "other"]);
    work.commit("key", { "k.js": `k = "${key}";\n` });
    pushes.push(pushBoth(w, both, "other", "refs/heads/other"));
    runGit(w, ["checkout", "-q", "main"]);
    runGit(w, ["checkout", "-q", "-b", "clean"]);
    work.commit("clean", { "c.js": "c = 1;\n" });
    pushes.push(pushBoth(w, both, "clean", "refs/heads/clean"));

    const { lines: read } = await batchedThenSolo(world, batched, solo, pushes);
    const lines = read();
    expect(lines.filter((l) => l.msg === "pushes of one repository scanned together").map((l) => [l.pushes, l.scanned])).toEqual([[3, 0]]);
    expect(new Set(lines.filter((l) => l.msg === "push scanned on its own, not with its batch").map((l) => l.why))).toEqual(new Set(["the shared pass is incomplete"]));

    // Each push as its own scan: the one that adds the unreadable object is never a green check.
    expect(shown(world, batched)).toEqual(shown(world, solo));
    const runOf = (sha: string) => world.gh.state.checkRunsOf(batched.fullName).find((r) => r.head_sha === sha)!;
    expect(runOf(pushes[0]!.after).conclusion).toBe("neutral");
    expect(String(runOf(pushes[0]!.after).output.summary)).toContain(blob);
    expect(runOf(pushes[1]!.after).conclusion).toBe("failure");
    expect(runOf(pushes[2]!.after).conclusion).toBe("success");
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });
});
