import { describe, expect, it } from "vitest";
import { quoteName } from "../../src/findings/quote-name.js";
import { escapeControls } from "../../src/findings/escape-controls.js";
import { fakeKey, redacted } from "../helpers/keys.js";

// Names from a repository reach terminals: quoted the way git quotes paths (quote.c).

describe("quoteName", () => {
  it.each([
    ["src/pay.js", "src/pay.js"],
    ["café/ü.js", "café/ü.js"], // printable non-ASCII passes, as with core.quotePath=false
    ["a b.js", "a b.js"],
    ["tab\there", String.raw`"tab\there"`],
    ["nl\nx", String.raw`"nl\nx"`],
    ["cr\rx", String.raw`"cr\rx"`],
    ["esc\x1b[31mred", String.raw`"esc\033[31mred"`],
    ["bell\x07", String.raw`"bell\a"`],
    ["del\x7f", String.raw`"del\177"`],
    ['quote"back\\slash', String.raw`"quote\"back\\slash"`],
    ["c1\u009b31m", String.raw`"c1\302\23331m"`],
    ["rlo\u202eevil", String.raw`"rlo\342\200\256evil"`],
    ["nul\x00", String.raw`"nul\000"`],
  ])("%j -> %s", (name, quoted) => {
    expect(quoteName(name)).toBe(quoted);
  });

  it("the result never holds a control character", () => {
    let all = "";
    for (let c = 0; c < 0x100; c++) all += String.fromCharCode(c);
    expect(quoteName(all)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });
});

describe("escapeControls", () => {
  it("redacts keys, escapes control characters, and with oneLine keeps it to one line", () => {
    const key = fakeKey();
    const out = escapeControls(`[leakguard] cannot read /tmp/${key}\x1b[2J\nsecond line\r`, { oneLine: true });
    expect(out).toBe(String.raw`[leakguard] cannot read /tmp/` + redacted(key) + String.raw`\033[2J\nsecond line\015`);
  });
});
