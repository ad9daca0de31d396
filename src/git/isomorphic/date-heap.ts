/** Something ordered like git log orders commits: newest committer time first, then first seen. */
export interface Dated {
  time: number;
  seq: number;
}

function before(a: Dated, b: Dated): boolean {
  return a.time > b.time || (a.time === b.time && a.seq < b.seq);
}

/** A binary max-heap on (time desc, seq asc): git's commit priority queue. */
export function createDateHeap<T extends Dated>() {
  const items: T[] = [];
  return {
    get size() {
      return items.length;
    },
    peek(): T | undefined {
      return items[0];
    },
    push(item: T) {
      items.push(item);
      for (let i = items.length - 1; i > 0; ) {
        const up = (i - 1) >> 1;
        if (!before(items[i]!, items[up]!)) break;
        [items[i], items[up]] = [items[up]!, items[i]!];
        i = up;
      }
    },
    pop(): T | undefined {
      const top = items[0];
      const last = items.pop();
      if (items.length && last) {
        items[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let best = i;
          if (l < items.length && before(items[l]!, items[best]!)) best = l;
          if (r < items.length && before(items[r]!, items[best]!)) best = r;
          if (best === i) break;
          [items[i], items[best]] = [items[best]!, items[i]!];
          i = best;
        }
      }
      return top;
    },
  };
}
