import { git } from "../git/run-git.js";
import type { Store } from "./store/store.js";

// What a new ref's range may exclude: the tips the app has scanned (store.ts), not the
// mirror's refs. A mirror ref may have come with a fetch for another delivery, or with this
// one, before its own delivery was scanned; two new refs would then each exclude the other,
// and a commit only they reach would never be scanned. A recorded tip was scanned by a
// delivery that completed, and so, by induction, was everything it reaches. A tip the
// mirror no longer holds (force-pushed away, pruned) cannot be excluded and is left out:
// that only widens the range. With no record yet (a repository first seen before the app
// kept one) nothing is excluded: one wide scan rather than a skipped commit.

/** `present`: what is known of objects of this mirror (a batch's deliveries share it), kept up to date here. */
export async function scannedTips(store: Store, fullName: string, dir: string, present: Map<string, boolean>): Promise<Map<string, string>> {
  const entries = [...(await store.scannedTips(fullName))].filter(([, oid]) => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(oid));
  const ask = [...new Set(entries.map(([, oid]) => oid).filter((oid) => !present.has(oid)))];
  if (ask.length) {
    const input = ask.map((oid) => `${oid}^{commit}`).join("\n") + "\n";
    const out = (await git(["cat-file", "--batch-check=%(objecttype)"], { cwd: dir, input })).toString("latin1").split("\n");
    // A missing object's line is "<name> missing", never a type.
    ask.forEach((oid, i) => present.set(oid, out[i] === "commit"));
  }
  return new Map(entries.filter(([, oid]) => present.get(oid)));
}
