import type { Finding } from "../findings/finding.js";
import type { HeldAt } from "../findings/already-present.js";
import { boundaryCommits } from "../objects/boundary-commits.js";
import { findAlreadyPresent } from "../findings/already-present.js";
import { createNativeEngine } from "../git/native/engine.js";

/** What git sets in a pre-receive hook so that the pushed objects are visible; without them, only the server's own objects are. */
const QUARANTINE_VARS = ["GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"] as const;

/**
 * Which of a push's findings the server already held before it (src/findings/already-present.ts),
 * within what is left of the time budget. When that cannot be told in time (or at all),
 * nothing is held: the push is judged as if every key were new, never the other way round.
 */
export async function findHeldKeys(opts: { repoDir: string; env: NodeJS.ProcessEnv; tips: readonly string[]; findings: readonly Finding[]; remainingMs: number }): Promise<Map<string, HeldAt>> {
  if (opts.findings.length === 0 || opts.tips.length === 0 || opts.remainingMs <= 0) return new Map();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.remainingMs);
  const before: NodeJS.ProcessEnv = { ...opts.env };
  for (const k of QUARANTINE_VARS) delete before[k];
  const engine = createNativeEngine(opts.repoDir, before, controller.signal);
  try {
    const boundary = await boundaryCommits(opts.repoDir, opts.env, opts.tips, "all");
    if (boundary.length === 0) return new Map();
    const held = findAlreadyPresent(engine, opts.findings, boundary);
    const gaveUp = new Promise<Map<string, HeldAt>>((resolve) => controller.signal.addEventListener("abort", () => resolve(new Map()), { once: true }));
    return await Promise.race([held, gaveUp]);
  } catch {
    return new Map();
  } finally {
    clearTimeout(timer);
    await engine.close().catch(() => {});
  }
}
