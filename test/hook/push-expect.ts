import { expect } from "vitest";
import type { TestRepo } from "../helpers/repo.js";
import type { createPushFixture, PushResult, Remote } from "./push-fixture.js";

// Assertions and set-up shared by the push scenarios.

export type Fixture = ReturnType<typeof createPushFixture>;

export function expectRejected(r: PushResult, remote: Remote, refsBefore: string, keys: string[]): void {
  expect(r.status).not.toBe(0);
  expect(r.output).toContain("pre-receive hook declined");
  expect(remote.refs()).toBe(refsBefore);
  for (const k of keys) expect(r.output).not.toContain(k);
}

export function expectAccepted(r: PushResult, keys: string[] = []): void {
  expect(r.output).not.toContain("declined");
  expect(r.status).toBe(0);
  for (const k of keys) expect(r.output).not.toContain(k);
}

/** A clone of a fresh remote that already has one clean commit on main (pushed before the hook is installed). */
export async function started(fx: Fixture, opts: Parameters<Fixture["makeRemote"]>[0] = {}): Promise<{ remote: Remote; repo: TestRepo }> {
  const remote = await fx.makeRemote({ ...opts, install: false });
  const repo = fx.cloneOf(remote);
  repo.commit("init", { "README.md": "shop\n" });
  expectAccepted(fx.push(repo, ["origin", "main"]));
  if (opts.install ?? true) await remote.install();
  return { remote, repo };
}
