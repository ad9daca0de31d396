import type { BlobContent } from "../engine.js";
import { CorruptObjectError } from "../../errors.js";

// Frames `git cat-file --batch` output: "<oid> <type> <size>\n<bytes>\n" per object, or
// "<oid> missing\n". Objects that fit in one pipe chunk are zero-copy views; bigger ones
// are gathered once.

export function createBatchParser(onObject: (o: BlobContent & { type: string }) => void, onMissing: (oid: string) => void) {
  let head = Buffer.alloc(0); // partial header line
  let parts: Buffer[] = [];
  let need = -1; // bytes of content still expected (+1 for the trailing LF); -1 = reading a header
  let oid = "";
  let type = "";
  let size = 0;

  return {
    push(chunk: Buffer) {
      let pos = 0;
      while (pos < chunk.length) {
        if (need < 0) {
          const nl = chunk.indexOf(0x0a, pos);
          if (nl === -1) {
            head = Buffer.concat([head, chunk.subarray(pos)]);
            return;
          }
          const line = (head.length ? Buffer.concat([head, chunk.subarray(pos, nl)]) : chunk.subarray(pos, nl)).toString("latin1");
          head = Buffer.alloc(0);
          pos = nl + 1;
          const fields = line.split(" ");
          if (fields[1] === "missing" || fields.length !== 3) {
            if (fields[1] === "missing") onMissing(fields[0]!);
            else throw new CorruptObjectError(`unexpected cat-file output: ${line.slice(0, 80)}`);
            continue;
          }
          [oid, type] = fields as [string, string];
          size = Number(fields[2]);
          need = size + 1;
          parts = [];
          continue;
        }
        const take = Math.min(need, chunk.length - pos);
        parts.push(chunk.subarray(pos, pos + take));
        pos += take;
        need -= take;
        if (need === 0) {
          const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
          parts = [];
          need = -1;
          onObject({ oid, type, bytes: whole.subarray(0, size) });
        }
      }
    },
    end() {
      if (need >= 0) throw new CorruptObjectError(`cat-file output ended inside object ${oid}`);
    },
  };
}
