import { describe, expect, it } from "vitest";
import { emptyStats } from "../../src/findings/collector.js";
import { defaultHookConfig } from "../../src/hook/config.js";
import type { HookConfig } from "../../src/hook/config.js";
import { decideVerdict } from "../../src/hook/verdict.js";
import type { ScanOutcome } from "../../src/hook/verdict.js";
import { formatVerdict } from "../../src/hook/messages.js";
import { pushSelection } from "../../src/hook/push-selection.js";

// The policy for the two outcomes issue 8 adds: a scan that could not read everything the
// push names, and a push that brings replace refs.

const cfg = (over: Partial<HookConfig> = {}): HookConfig => ({ ...defaultHookConfig(), ...over });
const none = { kind: "none" } as const;
const unread = ["a".repeat(40), "b".repeat(40)];
const incomplete: ScanOutcome = { kind: "scanned", findings: [], stats: { ...emptyStats(), partial: true, incomplete: true, unreadObjects: unread }, skippedBlobs: 0 };
const clean: ScanOutcome = { kind: "scanned", findings: [], stats: emptyStats(), skippedBlobs: 0 };

describe("an incomplete scan", () => {
  it("is rejected under failMode closed, naming what was not read, and accepted with a warning under open", () => {
    const closed = decideVerdict(incomplete, cfg(), none);
    expect(closed).toMatchObject({ accept: false, status: "failed-closed", problem: { kind: "incomplete", unread } });
    expect(formatVerdict(closed, { gitlab: false })).toContain(`the scan is incomplete: 2 objects could not be read (${unread.join(", ")})`);
    const open = decideVerdict(incomplete, cfg({ failMode: "open" }), none);
    expect(open).toMatchObject({ accept: true, status: "failed-open" });
    expect(formatVerdict(open, { gitlab: false })).toContain("accepts unscanned pushes");
  });
});

describe("replace refs", () => {
  const zero = "0".repeat(40);
  const id = "c".repeat(40);
  const updates = [
    { old: zero, new: id, ref: `refs/replace/${"d".repeat(40)}` },
    { old: id, new: zero, ref: `refs/replace/${"e".repeat(40)}` },
    { old: zero, new: id, ref: "refs/heads/main" },
  ];

  it("are found among the updates when created or moved; deleting one is not refused", () => {
    expect(pushSelection(updates).replaceRefs).toEqual([`refs/replace/${"d".repeat(40)}`]);
  });

  it("reject a push whatever the scan found, even with a valid bypass, unless allowReplaceRefs", () => {
    const refs = pushSelection(updates).replaceRefs;
    const v = decideVerdict(clean, cfg({ bypass: { allowed: true, reasons: ["false-positive"] } }), { kind: "valid", reason: "false-positive" }, refs);
    expect(v).toMatchObject({ accept: false, status: "rejected", replaceRefs: refs });
    const text = formatVerdict(v, { gitlab: false });
    expect(text).toContain("creates or moves 1 replace ref");
    expect(text).not.toContain("0 secrets");
    expect(decideVerdict(clean, cfg({ allowReplaceRefs: true }), none, refs)).toMatchObject({ accept: true, status: "clean" });
  });
});
