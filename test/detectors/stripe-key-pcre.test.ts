import { describe, expect, it } from "vitest";
import { detectStripeKeys, STRIPE_KEY_PCRE } from "../../src/detectors/index.js";
import { fakeKey, fakeLongKey } from "../helpers/keys.js";

// The bulk-search pattern must never rule out a blob the detector would report: it is
// checked here on the bytes as git grep -P sees them (one byte per character, latin1).
const bulk = new RegExp(STRIPE_KEY_PCRE);
const seen = (bytes: Buffer) => bulk.test(bytes.toString("latin1"));

describe("STRIPE_KEY_PCRE (what git grep looks for in a full-history scan)", () => {
  const keys = [fakeKey(), fakeKey("rk"), fakeKey("sk", "test"), fakeKey("rk", "test"), fakeLongKey(), fakeLongKey("rk")];

  it.each(keys.map((k, i) => [i, k]))("matches every blob in which the detector finds key #%i", (_, key) => {
    for (const bytes of [
      Buffer.from(`STRIPE=${key}\n`),
      Buffer.from(`curl -u ${key}: https://api.stripe.com`),
      Buffer.from(`$k = "${key}"\r\n`, "utf16le"),
      Buffer.concat([Buffer.from([0]), Buffer.from(`x${key}`, "utf16le")]), // odd alignment
    ]) {
      if (detectStripeKeys({ path: "f", bytes }).length) expect(seen(bytes)).toBe(true);
    }
    expect(detectStripeKeys({ path: "f", bytes: Buffer.from(key) })).toHaveLength(1);
    expect(seen(Buffer.from(key))).toBe(true);
    expect(seen(Buffer.from(key, "utf16le"))).toBe(true);
  });

  it("passes over short placeholders, which are common in test suites", () => {
    expect(seen(Buffer.from('new Stripe("sk_' + 'test_123")'))).toBe(false);
    expect(seen(Buffer.from("sk_" + "live_..."))).toBe(false);
  });
});
