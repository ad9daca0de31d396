import { describe, expect, it } from "vitest";
import { detectStripeKeys, STRIPE_KEY_PCRE } from "../../src/detectors/index.js";
import { fakeKey, fakeLongKey, randomBase62 } from "../helpers/keys.js";

// Issue 10 item 4: a key starts after any non-alphanumeric character or any complete
// escape, and never inside a word. Each case builds its text around a run-time key.
const found = (text: string | Buffer) => detectStripeKeys({ path: "f", bytes: Buffer.isBuffer(text) ? text : Buffer.from(text) }).map((m) => m.secret);
const bulk = new RegExp(STRIPE_KEY_PCRE);

describe("the left boundary of a key", () => {
  describe("a key is found right after", () => {
    it.each([
      ["a percent-encoded = (%3D)", (k: string) => `https://example.com/cb?key%3D${k}&x=1`],
      ["a percent-encoded = in lowercase (%3d)", (k: string) => `body=stripe_key%3d${k}`],
      ["a percent-encoded quote (%22)", (k: string) => `q=%22${k}%22`],
      ["a literal \\n in a string", (k: string) => `"PORT=1\\n${k}\\n"`],
      ["a literal \\t in a string", (k: string) => `"key:\\t${k}"`],
      ["a literal \\r in a string", (k: string) => `"a\\r${k}"`],
      ["a JSON \\u0022 escape", (k: string) => `{"env":"STRIPE=\\u0022${k}\\u0022"}`],
      ["a JavaScript \\x3d escape", (k: string) => `var s='STRIPE\\x3d${k}';`],
      ["an = sign", (k: string) => `STRIPE_SECRET_KEY=${k}`],
      ["a double quote", (k: string) => `"${k}"`],
      ["a single quote", (k: string) => `'${k}'`],
      ["a colon", (k: string) => `secret:${k}`],
      ["a space", (k: string) => `key ${k}`],
      ["the start of the file", (k: string) => k],
      ["an underscore", (k: string) => `STRIPE_${k}`],
      ["a slash", (k: string) => `/v1/${k}`],
    ])("%s", (_name, wrap) => {
      for (const key of [fakeKey(), fakeLongKey("rk")]) {
        const text = wrap(key);
        expect(found(text)).toEqual([key]);
        expect(bulk.test(text)).toBe(true); // the bulk prefilter still lets the blob through
      }
    });

    it("an escape in a UTF-16LE file", () => {
      const key = fakeKey();
      expect(found(Buffer.from(`url=cb%3D${key}\r\n`, "utf16le"))).toEqual([key]);
    });
  });

  describe("no key is taken from inside a word or after an incomplete escape", () => {
    const body = () => "aZ9" + randomBase62(24);
    it.each([
      ["task_live_…", () => `ta${"sk_"}live_${body()}`],
      ["desk_live_…", () => `de${"sk_"}live_${body()}`],
      ["disk_live_…", () => `di${"sk_"}live_${body()}`],
      ["a risk_live_ identifier", () => `ri${"sk_"}live_${body()}`],
      ["a key glued to a letter", () => `X${fakeKey()}`],
      ["a key glued to a digit", () => `9${fakeKey()}`],
      ["an incomplete percent escape (%3)", () => `%3${fakeKey()}`],
      ["a percent sign and one non-hex letter (%G)", () => `%G${fakeKey()}`],
      ["an incomplete \\u escape", () => `\\u002${fakeKey()}`],
      ["a \\u escape with a non-hex digit", () => `\\u00G2${fakeKey()}`],
      ["an incomplete \\x escape", () => `\\x3${fakeKey()}`],
      ["a backslash and a letter that is no escape (\\q)", () => `\\q${fakeKey()}`],
    ])("%s", (_name, make) => {
      expect(found(make())).toEqual([]);
    });
  });
});
