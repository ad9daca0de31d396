import type { Finding } from "../findings/finding.js";
import { detectKeysInPath } from "../findings/detect-keys-in-path.js";
import { toFinding } from "../findings/to-finding.js";
import type { RefUpdate } from "./parse-ref-updates.js";

/**
 * A key in a ref name lands on the server as surely as one in a file (every fetch lists
 * it), so each created or moved ref's name is matched like a path. Shown as `(ref NAME)`,
 * redacted like every other name.
 */
export function refNameFindings(updates: readonly RefUpdate[]): Finding[] {
  return updates.flatMap((u) => {
    const path = `(ref ${u.ref})`;
    return detectKeysInPath({ path: u.ref, bytes: new Uint8Array() }).map((m) => ({
      ...toFinding(m, { path, commit: { oid: u.new, author: "", date: "" }, blob: null, source: "path" }),
      author: null,
      date: null,
    }));
  });
}
