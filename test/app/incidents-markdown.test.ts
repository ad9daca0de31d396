import { beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../src/app/start-app.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import type { World } from "./harness.js";
import { createWorld, E2E_TIMEOUT, expectKeyNowhere, settle } from "./harness.js";
import { outsideCodeSpans } from "./incidents/markdown-inert.js";

// Issue 9, item 5: a file named to phish. Everything the app sent GitHub is checked as GitHub
// would read it: no link, image, mention or HTML of the pusher's making may survive.

// Issue 9's file name; git stores `//` as one `/` (a tree per segment): still a Markdown link.
const PHISH = "x` [Rotate here](https://evil.example/phish) @acme/everyone `.js".replace("//", "/");
// Git refuses `:`, `[`, spaces and `//` in ref names; what it allows is enough to try.
const BRANCH = "fix/``@acme/everyone](x)<img>";
const PUSHER = "Ada [Rotate here](https://evil.example/phish) @acme/everyone <b>";

let world: World;
let app: RunningApp;
beforeAll(async () => {
  world = await createWorld();
  app = await world.start();
});

/** Every Markdown string the app sent: issue titles and bodies, comments, check-run summaries. */
function markdownSent(): string[] {
  const out: string[] = [];
  for (const r of world.gh.requests) {
    if (!["POST", "PATCH"].includes(r.method) || !r.rawBody) continue;
    const body = JSON.parse(r.rawBody) as { title?: string; body?: string; output?: { summary?: string } };
    for (const s of [body.title, body.body, body.output?.summary]) if (typeof s === "string") out.push(s);
  }
  return out;
}

/** Our own links are github.com URLs percent-encoded whole: nothing in them is the attacker's Markdown. */
function withoutOwnLinkTargets(md: string): string {
  return md.replace(/\]\((https:\/\/(?:github\.com|dashboard\.stripe\.com)\/[^\s()<>]*)\)/g, "](LINK)");
}

function expectInert(md: string): void {
  const rest = withoutOwnLinkTargets(outsideCodeSpans(md));
  expect(rest).not.toContain("evil.example");
  expect(rest).not.toContain("Rotate here](");
  expect(rest).not.toMatch(/@acme/);
  expect(rest).not.toMatch(/(?<!\\)<(?:img|b)\b/); // an escaped `\<` is text
  // Every link target left is one of ours, with nothing that could end it early.
  for (const m of outsideCodeSpans(md).matchAll(/(?<!\\)\]\(([^)]*)\)/g)) expect(m[1]).toMatch(/^https:\/\/(?:github\.com|dashboard\.stripe\.com)\/[^\s()<>]*$/);
}

describe("repository content in what the app writes on GitHub", { timeout: E2E_TIMEOUT }, () => {
  it("renders a phishing file name, a Markdown branch name and pusher name as inert text", async () => {
    const repo = world.addRepo("site");
    repo.work.commit("init", { "README.md": "site\n" });
    await world.deliver(app, "push", repo.pushPayload(repo.push()));
    await settle(app);

    const key = fakeKey();
    repo.work.git("checkout", "-q", "-b", BRANCH);
    repo.work.commit("pay", { [PHISH]: `stripe("${key}")\n`, ".env": `STRIPE_SECRET_KEY=${fakeKey()}\n` });
    const push = repo.push(BRANCH);
    const payload = repo.pushPayload(push);
    // A push GitHub attributes to no account: only the pusher's git name is known.
    delete payload["sender"];
    payload["pusher"] = { name: PUSHER, email: "ada@example.com" };
    await world.deliver(app, "push", payload);
    await settle(app);

    const issues = world.gh.state.issuesOf(repo.fullName);
    const phished = issues.find((i) => i.title.includes(redacted(key)))!;
    expect(phished.title).toBe(`Leaked Stripe live secret key ${redacted(key)} in \`\`${PHISH}\`\``);
    expect(phished.body).toContain(`\`\`${PHISH}\`\` line 1`);
    expect(phished.body).toContain(`(\`\`\`branch ${BRANCH}\`\`\`)`);
    const run = world.gh.state.checkRunsOf(repo.fullName).find((r) => r.head_sha === push.after)!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.annotations.map((a) => a.path).sort()).toEqual([".env", ".env", PHISH].sort());

    // The same key pushed again from another branch: a comment, built from the same names.
    repo.work.git("checkout", "-q", "-b", "again");
    repo.work.commit("again", { "copy.js": `stripe("${key}")\n` });
    await world.deliver(app, "push", { ...repo.pushPayload(repo.push("again")), sender: undefined, pusher: { name: PUSHER, email: "a@x" } });
    await settle(app);
    const comments = world.gh.state.commentsOn(repo.fullName, phished.number);
    expect(comments.map((c) => c.body)).toEqual([expect.stringContaining("The same key")]);

    const sent = markdownSent();
    expect(sent.length).toBeGreaterThanOrEqual(5); // issues, check runs, the comment
    expect(sent.some((s) => s.includes("evil"))).toBe(true); // the names did arrive, quoted
    for (const md of sent) expectInert(md);
    expectKeyNowhere(world, key);
    world.gh.expectNoViolations();
  });
});
