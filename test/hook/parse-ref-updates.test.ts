import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { isZeroOid } from "../../src/git/refs.js";
import { parseRefUpdates } from "../../src/hook/parse-ref-updates.js";
import { pushSelection } from "../../src/hook/push-selection.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const Z = "0".repeat(40);

describe("parseRefUpdates", () => {
  it("reads every line, not just the first, including SHA-256 names and refs with spaces trimmed off", () => {
    const input = `${A} ${B} refs/heads/main\n${Z} ${C} refs/tags/v1\n${"d".repeat(64)} ${"0".repeat(64)} refs/heads/old\n\n`;
    expect(parseRefUpdates(input)).toEqual([
      { old: A, new: B, ref: "refs/heads/main" },
      { old: Z, new: C, ref: "refs/tags/v1" },
      { old: "d".repeat(64), new: "0".repeat(64), ref: "refs/heads/old" },
    ]);
  });

  it("rejects a line git would never send", () => {
    expect(() => parseRefUpdates(`${A} refs/heads/main\n`)).toThrow(UsageError);
    expect(() => parseRefUpdates(`${A} ${B}\n`)).toThrow(/cannot read ref update line/);
  });

  it("knows the all-zero name in both hash lengths", () => {
    expect(isZeroOid(Z)).toBe(true);
    expect(isZeroOid("0".repeat(64))).toBe(true);
    expect(isZeroOid(A)).toBe(false);
  });
});

describe("pushSelection", () => {
  it("scans every new tip once against all existing refs, and skips deletions", () => {
    const plan = pushSelection(parseRefUpdates(`${A} ${B} refs/heads/main\n${Z} ${B} refs/heads/copy\n${C} ${Z} refs/heads/gone\n${Z} ${C} refs/tags/t\n`));
    expect(plan.selection).toEqual({ include: [B, C], excludeAllRefs: true });
    expect(plan.deleted.map((u) => u.ref)).toEqual(["refs/heads/gone"]);
    expect(plan.scanned).toHaveLength(3);
  });

  it("has nothing to scan when a push only deletes", () => {
    expect(pushSelection(parseRefUpdates(`${A} ${Z} refs/heads/x\n`)).selection).toBeNull();
  });
});
