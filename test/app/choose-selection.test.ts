import { describe, expect, it } from "vitest";
import { chooseSelection } from "../../src/app/choose-selection.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const refs = new Map([["refs/heads/main", A], ["refs/heads/dev", A], ["refs/tags/v1", B]]);

describe("chooseSelection", () => {
  it("reads everything on first sight", () => {
    expect(chooseSelection({ firstSight: true, after: B, before: A, refsBefore: refs })).toEqual({ all: true });
  });
  it("reads before..after for an updated ref", () => {
    expect(chooseSelection({ firstSight: false, after: B, before: A, refsBefore: refs })).toEqual({ include: [B], exclude: [A] });
  });
  it("reads a new branch against every ref the mirror had before the fetch", () => {
    expect(chooseSelection({ firstSight: false, after: B, before: null, refsBefore: refs })).toEqual({ include: [B], exclude: [A, B] });
  });
});
