// Byte offset -> 1-based line and column. Column counts UTF-16 code units, which is
// what SARIF (columnKind utf16CodeUnits) and editors expect.

const NEWLINE = 0x0a;

export function lineStart(bytes: Uint8Array, offset: number): number {
  const nl = bytes.lastIndexOf(NEWLINE, offset - 1);
  return nl === -1 ? 0 : nl + 1;
}

export function lineEnd(bytes: Uint8Array, offset: number): number {
  const nl = bytes.indexOf(NEWLINE, offset);
  return nl === -1 ? bytes.length : nl;
}

/** Counts newlines incrementally so that many matches in one big file stay linear. */
export function makeLineCounter(bytes: Uint8Array): (offset: number) => number {
  let pos = 0;
  let line = 1;
  return (offset) => {
    if (offset < pos) {
      pos = 0;
      line = 1;
    }
    for (let i = bytes.indexOf(NEWLINE, pos); i !== -1 && i < offset; i = bytes.indexOf(NEWLINE, i + 1)) {
      line++;
    }
    pos = offset;
    return line;
  };
}

const decoder = new TextDecoder("utf-8", { fatal: false });

export function columnOf(bytes: Uint8Array, offset: number): number {
  const start = lineStart(bytes, offset);
  return decoder.decode(bytes.subarray(start, offset)).length + 1;
}

/** The text of the line holding `offset`, capped so that a minified megabyte line stays cheap. */
export function lineText(bytes: Uint8Array, offset: number, cap = 4096): string {
  const start = Math.max(lineStart(bytes, offset), offset - cap);
  const end = Math.min(lineEnd(bytes, offset), offset + cap);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
}
