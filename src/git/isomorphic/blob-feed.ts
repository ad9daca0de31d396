/**
 * Blob ids a running full-history walk discovers, for `readBlobs("all")` to read as they
 * come instead of walking every commit and tree a second time (isomorphic-git inflates
 * in JavaScript, so reading each tree once matters).
 */
export function createBlobFeed() {
  const oids: string[] = [];
  const seen = new Set<string>();
  let done: "running" | "complete" | "abandoned" = "running";
  let wake: Array<() => void> = [];
  const signal = () => {
    for (const w of wake.splice(0)) w();
  };
  return {
    offer(oid: string) {
      if (seen.has(oid)) return;
      seen.add(oid);
      oids.push(oid);
      signal();
    },
    /** `complete` when the walk reached its end, so every blob it reaches was offered. */
    end(complete: boolean) {
      done = complete ? "complete" : "abandoned";
      signal();
    },
    /** Every id offered, past and future; `complete()` tells afterwards whether that is all. */
    subscribe() {
      return {
        seen,
        complete: () => done === "complete",
        async *[Symbol.asyncIterator](): AsyncGenerator<string> {
          for (let i = 0; ; ) {
            if (i < oids.length) yield oids[i++]!;
            else if (done !== "running") return;
            else await new Promise<void>((r) => wake.push(r));
          }
        },
      };
    },
  };
}

export type BlobFeed = ReturnType<typeof createBlobFeed>;
