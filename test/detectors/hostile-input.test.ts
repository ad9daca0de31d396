import { describe, expect, it } from "vitest";
import { detectDotenvFile } from "../../src/detectors/dotenv-file.js";
import { classifyKey } from "../../src/detectors/classify-key.js";
import { CONTEXT_BUDGET, detectStripeKeys } from "../../src/detectors/stripe-keys.js";
import { fakeKey } from "../helpers/keys.js";

// Issue 8, item 5: inputs built to make the detectors slow. Each used to take from a
// minute to hours; what is checked here is that the answer is right and complete (the
// time they take now is in scripts/bench-hostile.ts and docs/PERFORMANCE.md).

/** n distinct live keys whose bodies the key rules pass (a random body very rarely fails them). */
function realKeys(n: number): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const k = fakeKey();
    if (classifyKey("sk", "live", k.slice("sk_live_".length), "") !== null) out.push(k);
  }
  return out;
}

describe("detectors on hostile input", () => {
  it("rate a .env of 200,000 newlines by what it holds, after the blank lines too", () => {
    const blank = "\n".repeat(200_000);
    expect(detectDotenvFile({ path: ".env", bytes: Buffer.from(blank) })).toMatchObject([{ severity: "low" }]);
    expect(detectDotenvFile({ path: ".env", bytes: Buffer.from(blank + "API_TOKEN=abcdef123456\n") })).toMatchObject([{ severity: "medium" }]);
    expect(detectDotenvFile({ path: ".env", bytes: Buffer.from(" \t".repeat(100_000) + "\r".repeat(100_000) + "\nDB_PASSWORD='hunter22'") })).toMatchObject([
      { severity: "medium" },
    ]);
  });

  it("read a dotenv name of a million characters once, and still see the secret in it", () => {
    const name = "KEY".repeat(300_000);
    expect(detectDotenvFile({ path: ".env", bytes: Buffer.from(`${name}\n`) })[0]?.severity).toBe("low");
    expect(detectDotenvFile({ path: ".env", bytes: Buffer.from(`${name}=abcdefgh\n`) })[0]?.severity).toBe("medium");
  });

  it("see APP_DEBUG=true after 200,000 blank lines (the laravel vector)", () => {
    const text = "\n".repeat(200_000) + "  APP_DEBUG=true\n" + `STRIPE_SECRET=${fakeKey()}\n`;
    const [key] = detectStripeKeys({ path: ".env", bytes: Buffer.from(text) });
    expect(key).toMatchObject({ vector: "laravel", line: 200_002, column: 15 });
    expect(detectDotenvFile({ path: ".env", bytes: Buffer.from(text) })).toMatchObject([{ severity: "high", vector: "laravel" }]);
  });

  it("report every one of 100,000 keys on one 3 MB line, each at its own column", () => {
    const keys = realKeys(100_000);
    const line = keys.join(" ");
    const found = detectStripeKeys({ path: "dist/app.js", bytes: Buffer.from(`// header\n${line}\n`) });
    expect(found.map((m) => m.secret)).toEqual(keys);
    const columns: number[] = [];
    for (let i = 0, column = 1; i < keys.length; column += keys[i]!.length + 1, i++) columns.push(column);
    expect(found.map((m) => m.column)).toEqual(columns);
    expect(found.every((m) => m.line === 2)).toBe(true);
    // The first keys' lines are read (a line that long is a bundle); past the budget the
    // rest take the file's vector, and are reported all the same.
    expect(found[0]?.vector).toBe("bundle");
    expect(found.at(-1)?.vector).toBe("bundle");
  });

  it("past the context budget, still report keys on an allow-commented line, and stop suppressing them", () => {
    const keys = realKeys(2 * Math.ceil(CONTEXT_BUDGET / 8192));
    const text = keys.map((k) => `${k} // leakguard:allow ${"x".repeat(8192)}`).join(" ");
    const found = detectStripeKeys({ path: "data.txt", bytes: Buffer.from(text) });
    expect(found.map((m) => m.secret)).toEqual(keys);
    expect(found[0]?.allowed).toBe(true);
    expect(found.at(-1)?.allowed).toBe(false);
  });

  it("report every key of a UTF-16LE file of 20,000 lines, at its line and column", () => {
    const keys = realKeys(20_000);
    const text = keys.map((k, i) => `K${i}=${k}`).join("\r\n");
    const found = detectStripeKeys({ path: ".env", bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]) });
    expect(found.map((m) => m.secret)).toEqual(keys);
    expect(found.map((m) => m.line)).toEqual(keys.map((_, i) => i + 1));
    expect(found.map((m) => m.column)).toEqual(keys.map((_, i) => `K${i}=`.length + (i === 0 ? 2 : 1)));
  });

  it("find UTF-16LE keys at one alignment when a decoy marker sits at the other", () => {
    const [key] = realKeys(1);
    const decoy = Buffer.from("k_live_", "utf16le");
    const bytes = Buffer.concat([Buffer.from([0x41]), decoy, Buffer.from([0x41]), Buffer.from(`\nKEY=${key}\n`, "utf16le")]);
    expect(detectStripeKeys({ path: "x.ps1", bytes }).map((m) => m.secret)).toEqual([key]);
  });
});
