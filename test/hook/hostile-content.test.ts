import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HOOK_CONFIG } from "../../src/hook/config.js";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey } from "../helpers/keys.js";
import { tempDir } from "../helpers/repo.js";
import { createPushFixture } from "./push-fixture.js";
import type { PushResult, Remote } from "./push-fixture.js";
import { started } from "./push-expect.js";
import { MAX_OCCURRENCES_PER_KEY } from "../../src/detectors/types.js";

// Issue 8, item 5: content built to make matching slow must not outlast the time budget.
// Real pushes to a real bare repository with the hook installed, under the default
// budget. The decision is timed loosely (budget + 3 s: Node's start-up and git's own work
// ride on a shared machine, and the hook's own time is read from git's trace2 log); what is
// asserted is that the decision comes, and that it rejects.

const BUDGET = DEFAULT_HOOK_CONFIG.timeBudgetMs;
const MARGIN_MS = 3000;
const ANY_KEY = /[sr]k_(?:live|test)_[A-Za-z0-9]{20,}/;

let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
});

/**
 * Pushes main and reads how long git itself saw the pre-receive hook run (trace2's
 * child_exit t_rel): the push around it (packing 30 MB on a loaded machine) is not the hook's.
 */
function timedPush(repo: Parameters<typeof fx.push>[0]): PushResult & { ms: number } {
  const trace = join(tempDir("leakguard-trace2-"), "events.json");
  const r = fx.push(repo, ["origin", "main"], { GIT_TRACE2_EVENT: trace });
  const events = readFileSync(trace, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; sid: string; child_id?: number; hook_name?: string; t_rel?: number });
  const start = events.find((e) => e.event === "child_start" && e.hook_name === "pre-receive");
  const exit = events.find((e) => e.event === "child_exit" && e.sid === start?.sid && e.child_id === start?.child_id);
  if (exit?.t_rel === undefined) throw new Error("git's trace2 log shows no pre-receive hook run");
  return { ...r, ms: exit.t_rel * 1000 };
}

/**
 * A clone of a fresh remote with the hook under `config`. The pusher's git stores and packs
 * its objects uncompressed (core.compression 0): deflating a 33 MB blob twice on the client is no
 * part of what is tested, and the server's side (receive-pack, the hook) reads its own
 * config, not the pusher's.
 */
async function startedUncompressed(config: string): ReturnType<typeof started> {
  const s = await started(fx, { config });
  s.repo.git("config", "core.compression", "0");
  return s;
}

function expectRejectedInTime(r: PushResult & { ms: number }, remote: Remote, refsBefore: string): void {
  expect(r.status).not.toBe(0);
  expect(r.output).toContain("pre-receive hook declined");
  expect(remote.refs()).toBe(refsBefore);
  expect(r.output).not.toMatch(ANY_KEY);
  expect(r.ms).toBeLessThan(BUDGET + MARGIN_MS);
}

/** `count` key-shaped strings on one line, from a few distinct keys (so the push itself stays small). */
function keyLine(count: number, distinct = 1000): string {
  const keys = Array.from({ length: distinct }, () => fakeKey());
  return Array.from({ length: count }, (_, i) => keys[i % distinct]).join(" ");
}

/** `count` keys on one line, no two alike: each is classified and reported (a key seen again is not classified again). */
function distinctKeyLine(count: number): string {
  const base = fakeKey().slice(0, -6);
  return Array.from({ length: count }, (_, i) => base + i.toString(36).padStart(6, "0")).join(" ");
}

describe("pre-receive hook on hostile content, default time budget", () => {
  it("decides on a .env of 200,000 newlines in time, and rejects it", async () => {
    const { remote, repo } = await startedUncompressed(`timeBudgetMs: ${BUDGET}\n`);
    const before = remote.refs();
    repo.commit("blank lines", { ".env": "\n".repeat(200_000) + "STRIPE_WEBHOOK_SECRET=whsec_abcdefgh\n" });
    const r = timedPush(repo);
    expectRejectedInTime(r, remote, before);
    expect(r.output).toMatch(/dotenv-file \[medium\]|did not finish within its time budget/);
  });

  it("decides on one 3 MB line of 100,000 key-shaped strings in time, and rejects it", async () => {
    const { remote, repo } = await startedUncompressed(`timeBudgetMs: ${BUDGET}\n`);
    const before = remote.refs();
    repo.commit("bundle", { "dist/app.js": keyLine(100_000) + "\n" });
    const r = timedPush(repo);
    expectRejectedInTime(r, remote, before);
    // 1,000 distinct keys, each listed at its first MAX_OCCURRENCES_PER_KEY places on the line.
    expect(r.output).toMatch(new RegExp(`push rejected: ${1000 * MAX_OCCURRENCES_PER_KEY} secrets found|did not finish within its time budget`));
  });

  it("stops a scan that cannot finish at the budget, and fails closed", async () => {
    const { remote, repo } = await startedUncompressed(`timeBudgetMs: ${BUDGET}\n`);
    const before = remote.refs();
    // A million distinct keys on one line: no machine classifies and reports them all within 4 s.
    repo.commit("bundle", { "dist/app.js": distinctKeyLine(1_000_000) + "\n" });
    const r = timedPush(repo);
    expectRejectedInTime(r, remote, before);
    expect(r.output).toContain(`did not finish within its time budget (${BUDGET} ms)`);
    expect(r.output).toContain("failMode: closed");
  });

  it("stops the same scan at the budget under failMode: open, and lets the push through with the warning", async () => {
    const { remote, repo } = await startedUncompressed(`timeBudgetMs: ${BUDGET}\nfailMode: open\n`);
    const head = repo.commit("bundle", { "dist/app.js": distinctKeyLine(1_000_000) + "\n" });
    const r = timedPush(repo);
    expect(r.status).toBe(0);
    expect(r.output).toContain("the server accepts unscanned pushes (failMode: open)");
    expect(r.output).not.toMatch(ANY_KEY);
    expect(remote.refs()).toContain(`${head} refs/heads/main`);
    expect(r.ms).toBeLessThan(BUDGET + MARGIN_MS);
  });
});
