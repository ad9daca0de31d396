import { describe, expect, it } from "vitest";
import { createQueue } from "../../src/util/create-queue.js";

async function drain<T>(q: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of q) out.push(x);
  return out;
}

describe("createQueue", () => {
  it("hands over, in order, what was pushed before and while the consumer waits, then ends at close", async () => {
    const q = createQueue<number>();
    q.push(1);
    const consumed = drain(q);
    await new Promise((r) => setImmediate(r)); // the consumer is now waiting
    q.push(2);
    q.push(3);
    await new Promise((r) => setImmediate(r));
    q.push(4);
    q.close();
    expect(await consumed).toEqual([1, 2, 3, 4]);
  });

  it("delivers everything pushed before close even when the consumer starts after it", async () => {
    const q = createQueue<string>();
    q.push("a");
    q.push("b");
    q.close();
    expect(await drain(q)).toEqual(["a", "b"]);
  });
});
