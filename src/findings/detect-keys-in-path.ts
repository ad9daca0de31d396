import type { Detector } from "../detectors/types.js";
import { detectStripeKeys } from "../detectors/index.js";

/**
 * A key in a file or directory name is committed like any content (it sits in a tree
 * object, and every clone and `git log --stat` hands it out), so the path itself is
 * matched. Column is the key's position in the path. A name cannot vouch for itself:
 * `leakguard:allow` written into a file name never suppresses the key it holds.
 */
export const detectKeysInPath: Detector = ({ path }) =>
  detectStripeKeys({ path, bytes: Buffer.from(path, "utf8") }).map((m) => ({ ...m, allowed: false }));
