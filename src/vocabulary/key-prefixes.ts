// The prefixes of the keys leakguard looks for, spelled once: secret (`sk`) and restricted
// (`rk`) keys, in live and test mode, `sk_live_` and so on. Every pattern, needle and
// marker of the detectors, the encoded views, redaction and scrub is built from these at
// module load, so matching pays nothing for the derivation. `pk_` publishable keys are
// public by design and not here.

/** The key kinds, secret first. Each is one letter and `k`: the patterns below rely on it (`[sr]k_`). */
export const KEY_KINDS = ["sk", "rk"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** Live keys move money; test keys reach test data only. */
export const KEY_MODES = ["live", "test"] as const;
export type KeyMode = (typeof KEY_MODES)[number];

/** `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`: the kinds in order, each in every mode. */
export const KEY_PREFIXES: readonly string[] = KEY_KINDS.flatMap((k) => KEY_MODES.map((m) => `${k}_${m}_`));

/** `k_live_`, `k_test_`: every prefix past its first letter, the fixed strings prefilters look for. */
export const KEY_MARKERS: readonly string[] = KEY_MODES.map((m) => `k_${m}_`);

/** The first letter of each kind (`s`, `r`), in kind order: what stands before a marker. */
export const KEY_KIND_LETTERS: readonly string[] = KEY_KINDS.map((k) => k[0]!);

/** Regex source of the kind letters as a class: `[sr]`. */
export const KEY_KIND_CLASS = `[${KEY_KIND_LETTERS.join("")}]`;

/** Regex source of the modes as an alternation, without a group: `live|test`. */
export const KEY_MODE_ALTERNATIVES = KEY_MODES.join("|");

/** Regex source of any prefix, without a capturing group: `[sr]k_(?:live|test)_`. */
export const KEY_PREFIX_SOURCE = `${KEY_KIND_CLASS}k_(?:${KEY_MODE_ALTERNATIVES})_`;
