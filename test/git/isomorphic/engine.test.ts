import { describe, expect, it } from "vitest";
import { createIsomorphicEngine } from "../../../src/git/isomorphic/engine.js";
import { branchy, packed } from "../history-fixtures.js";

async function blobIds(it: AsyncIterable<{ oid: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const b of it) out.push(b.oid);
  return out;
}

describe("isomorphic engine: reading every blob beside a walk", () => {
  it("reads each blob a running full walk finds exactly once, the same set as reading alone", async () => {
    const alone = await blobIds(createIsomorphicEngine(packed().dir).readBlobs("all"));
    const engine = createIsomorphicEngine(packed().dir);
    const walking = (async () => {
      for await (const c of engine.walk({ all: true })) void c;
    })();
    const beside = await blobIds(engine.readBlobs("all"));
    await walking;
    expect(new Set(beside).size).toBe(beside.length);
    expect(new Set(beside)).toEqual(new Set(alone));
  });

  it("still reads every blob when the walk it was following stops early", async () => {
    const alone = await blobIds(createIsomorphicEngine(branchy().dir).readBlobs("all"));
    const engine = createIsomorphicEngine(branchy().dir);
    const walk = engine.walk({ all: true })[Symbol.asyncIterator]();
    await walk.next();
    // the reader follows the walk (its first blob came from the walk's first commit)…
    const reader = engine.readBlobs("all")[Symbol.asyncIterator]();
    const first = await reader.next();
    // …and the walk's consumer gives up
    await walk.return?.(undefined);
    const beside = [(first.value as { oid: string }).oid, ...(await blobIds({ [Symbol.asyncIterator]: () => reader }))];
    expect(new Set(beside).size).toBe(beside.length);
    expect(new Set(beside)).toEqual(new Set(alone));
  });
});
