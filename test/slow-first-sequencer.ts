import { relative } from "node:path";
import { BaseSequencer } from "vitest/node";
import type { TestSpecification } from "vitest/node";

// Two workers share one queue of test files: a long file started last is a tail the other
// worker waits out. Vitest starts the longest files first when its results cache
// (node_modules/.vite) knows their durations, and by file size when it does not, as on a
// fresh CI machine, where small files such as pack-install (one test, npm pack + install)
// would start near the end. Files the cache does not know take their place from SLOWEST,
// measured runs of the suite, longest first; the rest keep vitest's order after them.

/** The longest test files of a full run (seconds on an idle 2-core machine, 2026-12-01), longest first. */
export const SLOWEST: readonly (readonly [file: string, seconds: number])[] = [
  ["test/package/pack-install.test.ts", 28],
  ["test/app/exactly-once.test.ts", 27],
  ["test/hook/hostile-content.test.ts", 26],
  ["test/hook/pre-receive-file.test.ts", 22],
  ["test/app/coalesce.test.ts", 19],
  ["test/hook/pre-receive-http.test.ts", 19],
  ["test/app/postgres-instances.test.ts", 18],
  ["test/app/resilience.test.ts", 17],
  ["test/app/installation-fan-out.test.ts", 14],
  ["test/scrub/scrub-finish.e2e.test.ts", 13],
  ["test/hook/push-attacks.test.ts", 12],
  ["test/app/github/pace-requests.test.ts", 11],
  ["test/app/incidents.test.ts", 11],
  ["test/hook/pre-receive-safety.test.ts", 11],
  ["test/findings/archive-views.test.ts", 11],
  ["test/findings/scan-history.test.ts", 10],
  ["test/app/first-sight.test.ts", 10],
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const known = (spec: TestSpecification) => this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(root, spec.moduleId)}`) !== undefined;
    // With durations in the cache, vitest's own order is measured and current: keep it.
    if (sorted.every(known)) return sorted;
    const rank = new Map(SLOWEST.map(([file], i) => [file, i]));
    const rankOf = (spec: TestSpecification) => rank.get(relative(root, spec.moduleId).split("\\").join("/")) ?? SLOWEST.length;
    // Array.prototype.sort is stable: files off the list keep vitest's order.
    return [...sorted].sort((a, b) => rankOf(a) - rankOf(b));
  }
}
