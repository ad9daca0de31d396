import { describe, expect, it } from "vitest";
import { chooseSelection } from "../../src/objects/choose-selection.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const refs = new Map([["refs/heads/main", A], ["refs/heads/dev", A], ["refs/tags/v1", B], ["refs/heads/feature", C]]);

describe("chooseSelection", () => {
  it("reads everything on first sight", () => {
    expect(chooseSelection({ firstSight: true, after: C, before: A, refs, pushedRef: "refs/heads/feature" })).toEqual({ all: true });
  });
  it("reads before..after for an updated ref", () => {
    expect(chooseSelection({ firstSight: false, after: C, before: A, refs, pushedRef: "refs/heads/feature" })).toEqual({ include: [C], exclude: [A] });
  });
  it("reads a new branch against every other ref of the mirror", () => {
    expect(chooseSelection({ firstSight: false, after: C, before: null, refs, pushedRef: "refs/heads/feature" })).toEqual({ include: [C], exclude: [A, B] });
  });
});
