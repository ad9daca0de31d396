import { CorruptObjectError } from "../errors.js";

/**
 * Pull-based reader over a byte stream: whole lines, or exactly n bytes (a blob may be
 * larger than any chunk, so it is gathered once, never re-concatenated per chunk).
 */
export function createByteReader(source: AsyncIterable<Buffer>) {
  const it = source[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  let ended = false;
  let pushedBack: Buffer | null = null;

  async function more(): Promise<boolean> {
    if (ended) return false;
    const r = await it.next();
    if (r.done) {
      ended = true;
      return false;
    }
    buf = pos < buf.length ? Buffer.concat([buf.subarray(pos), r.value]) : r.value;
    pos = 0;
    return true;
  }

  return {
    /** The next line without its LF; null at the end of the stream. */
    async line(): Promise<Buffer | null> {
      if (pushedBack) {
        const l = pushedBack;
        pushedBack = null;
        return l;
      }
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl !== -1) {
          const l = buf.subarray(pos, nl);
          pos = nl + 1;
          return l;
        }
        if (!(await more())) {
          if (pos < buf.length) throw new CorruptObjectError("fast-export stream ends in the middle of a line");
          return null;
        }
      }
    },
    /** Gives a line back; the next line() returns it. */
    unread(line: Buffer): void {
      pushedBack = line;
    },
    async bytes(n: number): Promise<Buffer> {
      if (buf.length - pos >= n) {
        const b = buf.subarray(pos, pos + n);
        pos += n;
        return Buffer.from(b); // own copy: the chunk it came from is released sooner
      }
      const parts: Buffer[] = [buf.subarray(pos)];
      let have = parts[0]!.length;
      buf = Buffer.alloc(0);
      pos = 0;
      while (have < n) {
        const r = ended ? { done: true as const } : await it.next();
        if (r.done) throw new CorruptObjectError(`fast-export stream ends inside a ${n}-byte data block`);
        const chunk = r.value as Buffer;
        const take = Math.min(chunk.length, n - have);
        parts.push(chunk.subarray(0, take));
        have += take;
        if (take < chunk.length) buf = chunk.subarray(take);
      }
      return Buffer.concat(parts, n);
    },
    /** Consumes one LF if it is next (fast-import makes the LF after a data block optional). */
    async optionalLf(): Promise<void> {
      if (pos >= buf.length && !(await more())) return;
      if (buf[pos] === 10) pos++;
    },
  };
}

export type ByteReader = ReturnType<typeof createByteReader>;
