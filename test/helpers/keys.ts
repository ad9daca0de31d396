import { randomBytes, randomInt } from "node:crypto";
import type { KeyKind, KeyMode } from "../../src/vocabulary/index.js";

// Key material is built at run time so that no key-shaped literal is ever committed.
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomBase62(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += BASE62[randomInt(62)];
  // A random body can, very rarely, look like a placeholder (one case only); force variety.
  return "aZ9" + s.slice(3);
}

/**
 * A uniformly random base62 string (no forced variety, unlike randomBase62): what a real
 * key body is, for tests that measure how often a rule would reject one.
 */
export function uniformBase62(n: number): string {
  let s = "";
  while (s.length < n) {
    for (const b of randomBytes(2 * n)) if (b < 248 && s.length < n) s += BASE62[b % 62]; // 248 = 4 x 62: no bias
  }
  return s;
}

/**
 * `n` base62 characters from a seeded generator (mulberry32): the same bodies on every run.
 * For tests that count how many of many bodies a rule rejects, where a rule allowed odds
 * below 1e-6 would still fail a few runs in a hundred on fresh random bodies.
 */
export function seededBase62(n: number, next: () => number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += BASE62[Math.floor(next() * 62)];
  return s;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A classic-shape key: prefix + 24 base62 characters. */
export function fakeKey(kind: KeyKind = "sk", mode: KeyMode = "live"): string {
  return `${kind}_` + `${mode}_` + randomBase62(24);
}

/** A current-shape key: prefix + "51" + 97 base62 characters (99 in all). */
export function fakeLongKey(kind: KeyKind = "sk", mode: KeyMode = "live"): string {
  return `${kind}_` + `${mode}_` + "51" + randomBase62(97);
}

/** The redacted form every output must use instead of the key. */
export function redacted(key: string): string {
  return key.slice(0, key.indexOf("_", 3) + 1) + "…" + key.slice(-4);
}
