import { describe, expect, it } from "vitest";
import { fakeKey, redacted } from "../helpers/keys.js";
import { runGit } from "../helpers/repo.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, settle } from "./harness.js";

// Issue 9, item 10: a pushed tag is scanned as a tag. Its message is repository content like
// any file, and a tag of an already-scanned commit adds nothing but that message.

const ZERO = "0".repeat(40);

describe("a tag push", { timeout: E2E_TIMEOUT }, () => {
  it("scans the tag's message (and the tag it points to), not only the tagged commit", async () => {
    const world = await createWorld();
    const app = await world.start();
    const repo = world.addRepo("releases");
    const tagged = repo.work.commit("init", { "README.md": "r\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);

    const key = fakeKey();
    const inner = fakeKey("rk");
    repo.work.git("tag", "-a", "v1-rc", "-m", `release candidate\n\nrk ${inner}\n`);
    // A tag of a tag: the outer one names the inner, whose message holds a key too.
    repo.work.git("tag", "-a", "v1", "-m", `release\n\nkey for the deploy: ${key}\n`, "v1-rc");
    runGit(repo.work.dir, ["push", "-q", repo.bare, "refs/tags/v1:refs/tags/v1"]);
    const tagOid = runGit(repo.bare, ["rev-parse", "refs/tags/v1"]).trim();
    expect(tagOid).not.toBe(tagged);
    await world.deliver(app, "push", repo.pushPayload({ ref: "refs/tags/v1", before: ZERO, after: tagOid }));
    await settle(app);

    const run = world.gh.state.checkRunsOf(repo.fullName).at(-1)!;
    expect(run.head_sha).toBe(tagged); // the commit the tag peels to
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain(redacted(key));
    expect(run.output.summary).toContain("`(tag v1 message)`");
    expect(run.output.summary).toContain(redacted(inner));
    const titles = world.gh.state.issuesOf(repo.fullName).map((i) => i.title);
    expect(titles).toEqual(expect.arrayContaining([expect.stringContaining(redacted(key)), expect.stringContaining(redacted(inner))]));
    expect(world.gh.state.issuesOf(repo.fullName).find((i) => i.title.includes(redacted(key)))!.body).toContain("(`tag v1`)");
    expectKeyNowhere(world, key);
    expectKeyNowhere(world, inner);
    world.gh.expectNoViolations();
  });
});
