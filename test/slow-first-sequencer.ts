import { relative } from "node:path";
import { BaseSequencer } from "vitest/node";
import type { TestSpecification } from "vitest/node";

// Two workers share one queue of test files: a long file started last is a tail the other
// worker waits out. Vitest starts the longest files first when its results cache
// (node_modules/.vite) knows their durations, and by file size when it does not, as on a
// fresh CI machine, where small files such as pack-install (one test, npm pack + install)
// would start near the end. Files the cache does not know take their place from SLOWEST,
// measured runs of the suite, longest first; the rest keep vitest's order after them.

/** The longest test files of a full run on this branch (seconds; 2 cores, 3 workers; 2026-12-02), longest first. */
export const SLOWEST: readonly (readonly [file: string, seconds: number])[] = [
  ["test/app/new-ref-range.test.ts", 129],
  ["test/app/exactly-once.test.ts", 90],
  ["test/app/batch-scan.test.ts", 85],
  ["test/app/coalesce.test.ts", 78],
  ["test/app/resilience.test.ts", 50],
  ["test/package/pack-install.test.ts", 49],
  ["test/app/postgres-instances.test.ts", 43],
  ["test/app/incidents.test.ts", 34],
  ["test/app/push.test.ts", 34],
  ["test/app/transient-git.test.ts", 33],
  ["test/hook/pre-receive-file.test.ts", 31],
  ["test/hook/pre-receive-http.test.ts", 31],
  ["test/app/secrets-at-rest.test.ts", 28],
  ["test/app/inline-allow.test.ts", 24],
  ["test/app/incidents-routing.test.ts", 20],
  ["test/findings/scan-history.test.ts", 19],
  ["test/hook/hostile-content.test.ts", 19],
  ["test/app/check-run-progress.test.ts", 18],
  ["test/scrub/scrub-finish.e2e.test.ts", 18],
  ["test/app/first-sight.test.ts", 17],
  ["test/hook/push-attacks.test.ts", 17],
  ["test/app/installation-fan-out.test.ts", 15],
  ["test/findings/archive-views.test.ts", 15],
  ["test/hook/screen-push.test.ts", 15],
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
