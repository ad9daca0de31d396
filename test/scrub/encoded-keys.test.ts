import { describe, expect, it } from "vitest";
import { removeKeys, keysIn } from "../../src/scrub/remove-keys.js";
import { mayHoldBase64Key, replaceInBase64 } from "../../src/scrub/replace-in-base64.js";
import { replaceInEscapes } from "../../src/scrub/replace-in-escapes.js";
import { fakeKey, fakeLongKey } from "../helpers/keys.js";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const unb64 = (s: string) => Buffer.from(s, "base64").toString("latin1");
/** What a replacer sees: decoded text; it removes `key` if present. */
const cut = (key: string) => (d: Buffer) => (d.includes(key) ? Buffer.from(d.toString("latin1").split(key).join("***REMOVED***"), "latin1") : null);

describe("keys inside base64 (replace-in-base64)", () => {
  it("finds the key's prefix at each of the three byte alignments, and nothing in ordinary text", () => {
    const key = fakeKey();
    for (const lead of ["", "a", "ab", "abc"]) expect(mayHoldBase64Key(Buffer.from(b64(`${lead}${key}`))), lead).toBe(true);
    expect(mayHoldBase64Key(Buffer.from("the quick brown fox, base64 of nothing: aGVsbG8gd29ybGQ=\n"))).toBe(false);
  });

  it("replaces a key mid-stream in a whole base64 .env and re-encodes it in the run's style", () => {
    const key = fakeLongKey();
    // Lengths chosen so that both the value and the cleaned value need padding: the two styles then differ.
    let env = `PORT=3000\nSTRIPE_SECRET_KEY=${key}\nDEBUG=0\n`;
    while (env.length % 3 !== 2 || (env.length - key.length + 13) % 3 === 0) env = "#" + env;
    for (const padded of [true, false]) {
      const value = padded ? b64(env) : b64(env).replace(/=+$/, "");
      const out = replaceInBase64(Buffer.from(`  app.env: ${value}\n`), cut(key))!.toString("latin1");
      const encoded = /app\.env: (\S+)\n/.exec(out)![1]!;
      expect(unb64(encoded)).toBe(env.replace(key, "***REMOVED***"));
      if (padded) expect(encoded).toMatch(/[^=]={1,2}$/);
      else expect(encoded).not.toMatch(/=$/);
    }
  });

  it("decodes a run that starts with characters that are not part of the value (a path before it)", () => {
    const key = fakeKey();
    const text = Buffer.from(`url: https://x.example/v1/${b64(`k=${key}`)}\n`);
    const out = replaceInBase64(text, cut(key))!.toString("latin1");
    expect(out.startsWith("url: https://x.example/v1/")).toBe(true);
    expect(unb64(out.slice("url: https://x.example/v1/".length).trim())).toBe("k=***REMOVED***");
  });

  it("leaves a file whose runs hold no key untouched (null)", () => {
    expect(replaceInBase64(Buffer.from(`data: ${b64("no key here, just a long enough value")}\n`), cut("x"))).toBeNull();
  });
});

describe("keys written with escapes (replace-in-escapes)", () => {
  const find = (key: string) => (d: Buffer) => (d.toString("latin1").includes(key) ? [key] : []);

  it("replaces a JSON \\u005f-escaped key's whole span and keeps the JSON valid", () => {
    const key = fakeKey();
    const escaped = key.replace(/_/g, "\\u005f");
    const json = `{"stripe": "${escaped}", "other": "a\\u0022b"}\n`;
    const out = replaceInEscapes(Buffer.from(json), find(key), Buffer.from("***REMOVED***"))!;
    expect(out.bytes.toString()).toBe('{"stripe": "***REMOVED***", "other": "a\\u0022b"}\n');
    expect(JSON.parse(out.bytes.toString())).toEqual({ stripe: "***REMOVED***", other: 'a"b' });
  });

  it("handles JavaScript \\x escapes and percent-encoding, and escaped letters as well as underscores", () => {
    const key = fakeKey();
    const js = `const k = '${key.replace(/_/g, "\\x5f").replace(/^s/, "\\x73")}';\n`;
    expect(replaceInEscapes(Buffer.from(js), find(key), Buffer.from("***REMOVED***"))!.bytes.toString()).toBe("const k = '***REMOVED***';\n");
    const form = `amount=5&key=${key.replace(/_/g, "%5F")}&currency=eur\n`;
    expect(replaceInEscapes(Buffer.from(form), find(key), Buffer.from("***REMOVED***"))!.bytes.toString()).toBe("amount=5&key=***REMOVED***&currency=eur\n");
  });

  it("lets an escaped key follow \\n or %3D, as a plain one may, and keeps task_live_ look-alikes negative", async () => {
    const { removeKeys: remove } = await import("../../src/scrub/remove-keys.js");
    const key = fakeKey();
    const json = `{"k": "x\\n${key.replace(/_/g, "\\u005f")}", "u": "a=1%3D${key.replace(/_/g, "%5F")}"}`;
    expect(remove(Buffer.from(json), false)!.bytes.toString()).toBe('{"k": "x\\n***REMOVED***", "u": "a=1%3D***REMOVED***"}');
    const lookalike = `{"t": "ta${key.replace(/_/g, "\\u005f")}"}`; // task_live_…: part of a word, not a key
    expect(remove(Buffer.from(lookalike), false)).toBeNull();
  });

  it("does nothing to a file without an escaped underscore", () => {
    expect(replaceInEscapes(Buffer.from('{"a": "\\u0041bc"}'), () => ["x"], Buffer.from("***REMOVED***"))).toBeNull();
  });
});

describe("removeKeys on encoded forms, end to end with the real detector", () => {
  it("cleans a Kubernetes Secret's data and a JSON-escaped key, and the re-scan question sees both before, neither after", () => {
    const live = fakeKey();
    const other = fakeLongKey("rk");
    // `data:` is base64; `stringData:` is YAML, whose double-quoted strings take \u escapes.
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: stripe\ndata:\n  STRIPE_SECRET_KEY: ${b64(live)}\nstringData:\n  RESTRICTED: "${other.replace(/_/g, "\\u005f")}"\n`;
    expect(keysIn(Buffer.from(secret), false).map((k) => k.secret).sort()).toEqual([live, other].sort());
    const out = removeKeys(Buffer.from(secret), false)!;
    expect(out.secrets.sort()).toEqual([live, other].sort());
    const text = out.bytes.toString();
    expect(unb64(/STRIPE_SECRET_KEY: (\S+)/.exec(text)![1]!)).toBe("***REMOVED***");
    expect(text).toContain('  RESTRICTED: "***REMOVED***"\n');
    expect(keysIn(out.bytes, false)).toEqual([]);
  });

  it("keeps the publishable-key and placeholder negatives negative when encoded", () => {
    const pk = "pk_" + "live_" + fakeKey().slice(8);
    const placeholder = "sk_" + "live_" + "x".repeat(24);
    const secret = `data:\n  PUBLISHABLE: ${b64(pk)}\n  EXAMPLE: ${b64(placeholder)}\n  ESCAPED: "${placeholder.replace(/_/g, "\\u005f")}"\n`;
    expect(removeKeys(Buffer.from(secret), false)).toBeNull();
    expect(keysIn(Buffer.from(secret), false)).toEqual([]);
  });

  it("leaves a key inside a base64-encoded binary in place but still counts it", () => {
    const live = fakeKey();
    const blob = Buffer.from(`icon: ${b64(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(` ${live} `)]))}\n`);
    expect(removeKeys(blob, false)).toBeNull();
    expect(keysIn(blob, false).map((k) => k.secret)).toEqual([live]);
  });
});
