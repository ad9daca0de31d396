import type { BlobFilter } from "../engine.js";
import { CorruptObjectError } from "../../errors.js";

// Frames `git cat-file --batch` output: "<oid> <type> <size>\n<bytes>\n" per object, or
// "<oid> missing\n". An object inside one pipe chunk is a zero-copy view of it; a bigger
// one is gathered once. With a filter, each piece is tested as it streams past and an
// object that fails is never gathered: most of a history's bytes are only looked at once.

export interface BatchObject {
  oid: string;
  type: string;
  size: number;
  /** null when the filter rejected the object. */
  bytes: Buffer | null;
}

const LF = 0x0a;
const EMPTY: Buffer = Buffer.alloc(0);

export function createBatchParser(onObject: (o: BatchObject) => void, onMissing: (oid: string) => void, filter?: BlobFilter) {
  const overlap = filter?.overlap ?? 0;
  let head = EMPTY; // partial header line
  let parts: Buffer[] = [];
  let left = -1; // content bytes still expected; -1 while reading a header
  let lf = false; // content done, its trailing LF not yet seen
  let oid = "";
  let type = "";
  let size = 0;
  let wanted = true;
  let tail = EMPTY; // last `overlap` bytes seen of the current object, to test across pieces

  const header = (line: string) => {
    const fields = line.split(" ");
    if (fields.length === 2 && fields[1] === "missing") return onMissing(fields[0]!);
    const n = Number(fields[2]);
    if (fields.length !== 3 || !Number.isSafeInteger(n) || n < 0) throw new CorruptObjectError(`unexpected cat-file output: ${line.slice(0, 80)}`);
    [oid, type] = fields as [string, string];
    size = left = n;
    parts = [];
    wanted = !filter;
    tail = EMPTY;
    if (size === 0) lf = true;
  };

  const piece = (p: Buffer) => {
    parts.push(p);
    if (wanted) return;
    if (tail.length && filter!.test(Buffer.concat([tail, p.subarray(0, overlap)]))) wanted = true;
    else if (filter!.test(p)) wanted = true;
    else tail = p.length >= overlap ? p.subarray(p.length - overlap) : Buffer.concat([tail, p]).subarray(-overlap);
  };

  const finish = () => {
    const bytes = !wanted ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    tail = EMPTY;
    left = -1;
    lf = false;
    onObject({ oid, type, size, bytes });
  };

  return {
    push(chunk: Buffer) {
      let pos = 0;
      while (pos < chunk.length) {
        if (lf) {
          if (chunk[pos] !== LF) throw new CorruptObjectError(`cat-file output out of step after object ${oid}`);
          pos++;
          finish();
        } else if (left >= 0) {
          const take = Math.min(left, chunk.length - pos);
          piece(chunk.subarray(pos, pos + take));
          pos += take;
          left -= take;
          if (left === 0) lf = true;
        } else {
          const nl = chunk.indexOf(LF, pos);
          if (nl === -1) {
            head = Buffer.concat([head, chunk.subarray(pos)]);
            return;
          }
          const line = head.length ? Buffer.concat([head, chunk.subarray(pos, nl)]) : chunk.subarray(pos, nl);
          head = EMPTY;
          pos = nl + 1;
          header(line.toString("latin1"));
        }
      }
    },
    end() {
      if (left >= 0 || lf || head.length) throw new CorruptObjectError(`cat-file output ended inside object ${oid}`);
    },
  };
}
