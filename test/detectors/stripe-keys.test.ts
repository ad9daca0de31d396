import { describe, expect, it } from "vitest";
import { detectStripeKeys } from "../../src/detectors/stripe-keys.js";
import { fakeKey, fakeLongKey } from "../helpers/keys.js";

const scan = (path: string, text: string | Buffer) => detectStripeKeys({ path, bytes: Buffer.from(text) });
const P = "sk_" + "live_"; // never a key-shaped literal in this file

describe("detectStripeKeys", () => {
  describe("finds", () => {
    it.each([
      ["a live secret key", () => fakeKey("sk", "live"), "stripe-live-secret-key", "critical"],
      ["a live restricted key", () => fakeKey("rk", "live"), "stripe-live-restricted-key", "high"],
      ["a test secret key", () => fakeKey("sk", "test"), "stripe-test-secret-key", "medium"],
      ["a test restricted key", () => fakeKey("rk", "test"), "stripe-test-restricted-key", "low"],
    ])("%s", (_name, make, rule, severity) => {
      const key = make();
      const [m, ...rest] = scan("app.py", `stripe.api_key = "${key}"\n`);
      expect(rest).toEqual([]);
      expect(m).toMatchObject({ rule, severity, line: 1, column: 19, secret: key });
    });

    it("the whole of a current 99-character key, never a truncated prefix", () => {
      const key = fakeLongKey();
      expect(scan("x.js", `k='${key}'`)[0]?.secret).toBe(key);
    });

    it("a key longer than any published bound", () => {
      const key = P + "51" + fakeLongKey().slice(10) + fakeLongKey().slice(10);
      expect(scan("x.js", key)[0]?.secret).toBe(key);
    });

    it.each([
      ["inside a URL", (k: string) => `STRIPE_URL=https://${k}:@api.stripe.com/v1/charges`],
      ["in curl -u", (k: string) => `curl https://api.stripe.com/v1/charges -u ${k}:`],
      ["in JSON", (k: string) => JSON.stringify({ stripe: { secret: k } })],
      ["in YAML", (k: string) => `stripe:\n  secret_key: ${k}\n`],
      ["in XML", (k: string) => `<string name="stripe">${k}</string>`],
      ["in a notebook cell", (k: string) => JSON.stringify({ cells: [{ source: [`stripe.api_key = '${k}'\\n`] }] })],
      ["after CRLF lines", (k: string) => `a\r\nb\r\nkey=${k}\r\n`],
      ["in a long minified line", (k: string) => "var a=1;".repeat(20000) + `x="${k}";` + "b();".repeat(5000)],
    ])("%s", (_name, wrap) => {
      const key = fakeKey();
      const found = scan("f", wrap(key));
      expect(found.map((m) => m.secret)).toEqual([key]);
    });

    it("in a binary file", () => {
      const key = fakeKey();
      const bin = Buffer.concat([Buffer.from([0, 1, 2, 255, 0]), Buffer.from(key), Buffer.from([0, 0, 7])]);
      expect(scan("app.apk", bin).map((m) => m.secret)).toEqual([key]);
    });

    it("in a UTF-16LE file (PowerShell's default encoding), with its line", () => {
      const key = fakeKey();
      const wide = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`PORT=1\r\nSTRIPE_KEY=${key}\r\n`, "utf16le")]);
      expect(scan(".env", wide).map((m) => [m.secret, m.line, m.column])).toEqual([[key, 2, 12]]);
    });

    it("reports line and column of each key in a file", () => {
      const a = fakeKey();
      const b = fakeKey("rk");
      const found = scan("f", `one\r\ntwo ${a}\nthree\n    ${b}`);
      expect(found.map((m) => [m.line, m.column])).toEqual([
        [2, 5],
        [4, 5],
      ]);
    });

    it("counts columns in characters, not bytes", () => {
      expect(scan("f", `é€ = "${fakeKey()}"`)[0]?.column).toBe(7);
    });
  });

  describe("does not report", () => {
    it.each([
      ["a run of x", P + "x".repeat(24)],
      ["an ellipsis", P + "..."],
      ["an angle-bracket placeholder", P + "<your key>"],
      ["an upper-case placeholder", P + "YOUR_SECRET_KEY"],
      ["a masked key", P + "****************"],
      ["a bare prefix", P],
      ["an identifier containing the letters", "desk_live_stats and risk_live_monitor_enabled_for_all_users"],
      ["a word placeholder without separators", P + "yoursecretkeygoeshere"],
      ["a repeated-character body", P + "abababababababababababab"],
      ["a sequential body", P + "1234567890abcdefghijklmnopqrst"],
      ["the word example", P + "EXAMPLEa1B2c3D4e5F6g7H8i9J0"],
      ["publishable keys", "pk_" + "live_" + "aZ9qW3eR5tY7uI9oP1aS3dF5" + " pk_" + "test_" + "aZ9qW3eR5tY7uI9oP1aS3dF5"],
      ["a short body", P + "aZ9qW3eR5tY7"],
    ])("%s", (_name, text) => {
      expect(scan("README.md", text)).toEqual([]);
    });
  });

  it("stops at the first key when asked only whether there is one, and finds every key otherwise", () => {
    const keys = [fakeKey(), fakeKey(), fakeKey()];
    const bytes = Buffer.from(keys.map((k) => `k = "${k}"`).join("\n"));
    expect(detectStripeKeys({ path: "a.js", bytes, firstOnly: true }).map((m) => m.secret)).toEqual([keys[0]]);
    expect(detectStripeKeys({ path: "a.js", bytes }).map((m) => m.secret)).toEqual(keys);
    // UTF-16 text too, and nothing when there is nothing.
    const wide = Buffer.from(`k = "${keys[1]}"\n`, "utf16le");
    expect(detectStripeKeys({ path: "a.ps1", bytes: wide, firstOnly: true }).map((m) => m.secret)).toEqual([keys[1]]);
    expect(detectStripeKeys({ path: "a.js", bytes: Buffer.from("no keys here"), firstOnly: true })).toEqual([]);
  });

  it("marks a line that carries leakguard:allow", () => {
    const [m] = scan("test/fixture.js", `const k = "${fakeKey("sk", "test")}"; // leakguard:allow`);
    expect(m?.allowed).toBe(true);
  });
});
