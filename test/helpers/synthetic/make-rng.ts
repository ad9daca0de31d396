// A seeded PRNG for synthetic histories: the same seed gives the same repository shape
// (key bodies excepted: keys come from test/helpers/keys.ts at run time).

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  pick<T>(arr: readonly T[]): T;
  chance(p: number): boolean;
  /** Log-normal-ish size: median `m`, long tail, clamped to [lo, hi]. */
  size(m: number, lo: number, hi: number): number;
}

/** sfc32: small, fast, seedable; quality is plenty for shaping test data. */
export function makeRng(seed: number): Rng {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(arr: readonly T[]): T => arr[Math.floor(next() * arr.length)] as T,
    chance: (p) => next() < p,
    size: (m, lo, hi) => Math.max(lo, Math.min(hi, Math.round(m * Math.exp((next() + next() + next() - 1.5) * 1.6)))),
  };
}
