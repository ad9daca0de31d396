// What test/helpers need of vitest when a benchmark reuses them outside the runner:
// afterAll clean-ups run when the script ends.
const cleanups: (() => unknown)[] = [];
export function afterAll(fn: () => unknown): void {
  cleanups.push(fn);
}
export async function runCleanups(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}
export function inject(): never {
  throw new Error("inject() is only available inside vitest");
}
