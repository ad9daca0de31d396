import { strToU8, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/start-app.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, settle } from "./harness.js";

// Issue 10: the app asks "is the key still in the tip of the default branch?" on first
// sight and on every re-check. It must see the same shapes as the history scan that
// opened the incident: a key inside a compressed archive member, a key in base64. Were
// the tip read as raw bytes only, the issue would say the key is gone while it ships.

let world: World;
let app: RunningApp;
beforeAll(async () => {
  world = await createWorld();
  app = await world.start();
});

const issueOf = (fullName: string, key: string) => world.gh.state.issuesOf(fullName).find((i) => i.title.includes(redacted(key)))!;

describe("the tip of the default branch, seen through archives and encodings", { timeout: E2E_TIMEOUT }, () => {
  it("says a key in a deflated .jar member or in a base64 Secret is still in the tip, and says so no more once the jar is gone", async () => {
    const repo = world.addRepo("release-builds");
    const inJar = fakeKey();
    const inSecret = fakeKey("rk");
    const jar = Buffer.from(zipSync({ "META-INF/MANIFEST.MF": strToU8("Manifest-Version: 1.0\n"), "config/app.properties": strToU8("# payments\n".repeat(300) + `stripe.key=${inJar}\n`) }, { level: 9 }));
    expect(jar.includes(inJar)).toBe(false); // only a view of the member can see it
    repo.work.commit("init", { "README.md": "shop\n" });
    repo.work.commit("release", {
      "libs/payments.jar": jar,
      "k8s/stripe.yaml": `apiVersion: v1\nkind: Secret\ndata:\n  STRIPE_KEY: ${Buffer.from(inSecret).toString("base64")}\n`,
    });
    const first = repo.push();
    await world.deliver(app, "push", repo.pushPayload(first));
    await settle(app);
    // The check run names the member and the encoding, as the CLI and the hook do.
    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === first.after)!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("`libs/payments.jar!config/app.properties`:301");
    expect(run.output.summary).toContain("`k8s/stripe.yaml`:4 (base64-encoded)");
    const onJar = run.output.annotations.find((a) => a.path === "libs/payments.jar")!;
    expect([onJar.start_line, onJar.end_line]).toEqual([1, 1]); // line 301 is the member's, not the archive's
    expect(onJar.message).toContain(`${redacted(inJar)} in archive member config/app.properties, line 301`);

    const jarIssue = issueOf(repo.fullName, inJar);
    const secretIssue = issueOf(repo.fullName, inSecret);
    // The issue says where inside the archive: line 301 is the member's, and the link is the archive's.
    expect(jarIssue.title).toContain("`libs/payments.jar!config/app.properties`");
    expect(jarIssue.body).toContain("`config/app.properties` line 301, inside the archive `libs/payments.jar`");
    expect(jarIssue.body).not.toMatch(/payments\.jar#L301/);
    expect(jarIssue.body).toContain("| Still in the tip of `main` | ❌ yes |");
    expect(secretIssue.body).toContain("| Still in the tip of `main` | ❌ yes |");

    // The jar leaves the tip; the Secret stays. Only the jar's incident changes.
    repo.work.commit("drop the jar", { "libs/payments.jar": null });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    expect(world.gh.state.commentsOn(repo.fullName, jarIssue.number).at(-1)?.body).toContain("The key is no longer in the tip of `main`.");
    expect(world.gh.state.commentsOn(repo.fullName, secretIssue.number)).toEqual([]);
    expect(issueOf(repo.fullName, inSecret).body).toContain("| Still in the tip of `main` | ❌ yes |");
    expectKeyNowhere(world, inJar);
    expectKeyNowhere(world, inSecret);
    world.gh.expectNoViolations();
  });

  it("names a member whose own name holds a key by its redacted form only, in the issue and everywhere else", async () => {
    const repo = world.addRepo("named-members");
    const inName = fakeKey();
    const inside = fakeKey();
    // The member's name is the pusher's choice: it may carry a key of its own.
    const zip = Buffer.from(zipSync({ [`keys/${inName}/config.properties`]: strToU8(`stripe.key=${inside}\n`) }, { level: 9 }));
    repo.work.commit("init", { "README.md": "shop\n" });
    repo.work.commit("release", { "dist/release.zip": zip });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);
    const issue = issueOf(repo.fullName, inside);
    expect(issue.title).toContain(`dist/release.zip!keys/${redacted(inName)}/config.properties`);
    expect(issue.body).toContain(`keys/${redacted(inName)}/config.properties`);
    expectKeyNowhere(world, inName);
    expectKeyNowhere(world, inside);
  });
});
