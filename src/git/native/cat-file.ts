import type { BlobFilter } from "../engine.js";
import { CorruptObjectError } from "../../errors.js";

// Frames `git cat-file --batch` output: "<oid> <type> <size>\n<bytes>\n" per object, or
// "<oid> missing\n". An object inside one pipe chunk is a zero-copy view of it; a bigger
// one is gathered once. With a filter, each piece is tested as it streams past and an
// object that fails is never gathered: most of a history's bytes are only looked at once.
//
// Memory is bounded whatever git sends (issue 8: a 2 GB blob of zeros is 2 MB on the
// wire). An object larger than the filter's window is never gathered whole: it is cut
// into windows of about `window.size` bytes, each tested on its own, and only windows
// that pass are handed on. A window ends at a line break where there is one in its
// second half (keys hold no line break, so nothing is cut and lines stay exact);
// otherwise it is cut hard and the next window starts `window.overlap` bytes earlier,
// so that any key up to `overlap` bytes long lies whole in one of them.

/** Where a window sits in its blob. */
export interface WindowPosition {
  offset: number;
  /** 1-based line number of the window's first byte. */
  line: number;
  /** Leading bytes already seen whole in the previous window (a hard cut), else 0. */
  lead: number;
  /** Bytes of the window's first line that lie before it (a hard cut inside a long line), else 0. */
  column: number;
  /** The window ends in a hard cut: a match touching its end is cut short, and found whole in the next. */
  cutEnd: boolean;
}

export interface BatchObject {
  oid: string;
  type: string;
  size: number;
  /** null when the filter rejected the object (or, for a windowed one, when it ends). */
  bytes: Buffer | null;
  /** Set on the windows of an object too large to gather; its end follows with bytes null. */
  window?: WindowPosition;
}

const LF = 0x0a;
const EMPTY: Buffer = Buffer.alloc(0);

function countLines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i !== -1 && i < end; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

export function createBatchParser(onObject: (o: BatchObject) => void, onMissing: (oid: string) => void, filter?: BlobFilter) {
  const overlap = filter?.overlap ?? 0;
  const win = filter?.window;
  let head = EMPTY; // partial header line
  let parts: Buffer[] = [];
  let held = 0; // bytes in parts
  let left = -1; // content bytes still expected; -1 while reading a header
  let lf = false; // content done, its trailing LF not yet seen
  let oid = "";
  let type = "";
  let size = 0;
  let wanted = true;
  let tail = EMPTY; // last `overlap` bytes seen of the current object, to test across pieces
  let windowed = false;
  let pos: Omit<WindowPosition, "cutEnd"> = { offset: 0, line: 1, lead: 0, column: 0 };

  const header = (line: string) => {
    const fields = line.split(" ");
    if (fields.length === 2 && fields[1] === "missing") return onMissing(fields[0]!);
    const n = Number(fields[2]);
    if (fields.length !== 3 || !Number.isSafeInteger(n) || n < 0) throw new CorruptObjectError(`unexpected cat-file output: ${line.slice(0, 80)}`);
    [oid, type] = fields as [string, string];
    size = left = n;
    parts = [];
    held = 0;
    wanted = !filter;
    tail = EMPTY;
    windowed = win !== undefined && size > win.size;
    pos = { offset: 0, line: 1, lead: 0, column: 0 };
    if (size === 0) lf = true;
  };

  // Hands on one window (if it passes the filter) and keeps what the next one starts with.
  const cutWindow = (last: boolean) => {
    const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, held);
    let end = buf.length;
    let carry = 0;
    if (!last) {
      const nl = buf.lastIndexOf(LF);
      if (nl >= buf.length / 2) end = nl + 1;
      else carry = Math.min(win!.overlap, buf.length);
    }
    const piece = buf.subarray(0, end);
    if (!filter || filter.test(piece)) onObject({ oid, type, size, bytes: Buffer.from(piece), window: { ...pos, cutEnd: carry > 0 } });
    const next = end - carry;
    const rest = buf.subarray(next);
    const lastLf = next > 0 ? buf.lastIndexOf(LF, next - 1) : -1;
    const column = lastLf === -1 ? pos.column + next : next - lastLf - 1;
    pos = { offset: pos.offset + next, line: pos.line + countLines(buf, next), lead: carry, column };
    parts = rest.length ? [Buffer.from(rest)] : [];
    held = rest.length;
  };

  const piece = (p: Buffer) => {
    if (windowed) {
      parts.push(p);
      held += p.length;
      if (held >= win!.size) cutWindow(false);
      return;
    }
    parts.push(p);
    if (wanted) return;
    if (tail.length && filter!.test(Buffer.concat([tail, p.subarray(0, overlap)]))) wanted = true;
    else if (filter!.test(p)) wanted = true;
    else tail = p.length >= overlap ? p.subarray(p.length - overlap) : Buffer.concat([tail, p]).subarray(-overlap);
  };

  const finish = () => {
    let bytes: Buffer | null;
    if (windowed) {
      if (held > 0) cutWindow(true);
      bytes = null;
    } else bytes = !wanted ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    held = 0;
    tail = EMPTY;
    left = -1;
    lf = false;
    onObject({ oid, type, size, bytes });
  };

  return {
    push(chunk: Buffer) {
      let at = 0;
      while (at < chunk.length) {
        if (lf) {
          if (chunk[at] !== LF) throw new CorruptObjectError(`cat-file output out of step after object ${oid}`);
          at++;
          finish();
        } else if (left >= 0) {
          const take = Math.min(left, chunk.length - at);
          piece(chunk.subarray(at, at + take));
          at += take;
          left -= take;
          if (left === 0) lf = true;
        } else {
          const nl = chunk.indexOf(LF, at);
          if (nl === -1) {
            head = Buffer.concat([head, chunk.subarray(at)]);
            return;
          }
          const line = head.length ? Buffer.concat([head, chunk.subarray(at, nl)]) : chunk.subarray(at, nl);
          head = EMPTY;
          at = nl + 1;
          header(line.toString("latin1"));
        }
      }
    },
    end() {
      if (left >= 0 || lf || head.length) throw new CorruptObjectError(`cat-file output ended inside object ${oid}`);
    },
  };
}
