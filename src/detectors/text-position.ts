// Offsets in a text -> 1-based line and column, and the bounded line around a match.
// Column counts UTF-16 code units, which is what SARIF (columnKind utf16CodeUnits) and
// editors expect. Everything here costs time linear in the text however many matches it
// holds: one 3 MB line with 100,000 keys must not walk back to the line start per key
// (issue 8, item 5).

/** Code units a stretch [from, to) of the text adds to a column. */
export type ColumnWidth = (from: number, to: number) => number;

export interface Position {
  line: number;
  column: number;
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Width of a stretch of one-byte (latin1) text whose bytes are UTF-8: decoded, so a
 * multi-byte character counts once. Stretches must start and end at character starts
 * (match offsets do: a key starts with an ASCII letter), or a split character counts twice.
 */
export function utf8Width(bytes: Uint8Array): ColumnWidth {
  return (from, to) => decoder.decode(bytes.subarray(from, to)).length;
}

/**
 * Line and column of increasing offsets, each step reading only the text since the
 * previous offset. An offset before the previous one starts again from the top.
 */
export function makePositionCounter(text: string, width: ColumnWidth = (from, to) => to - from): (offset: number) => Position {
  let pos = 0;
  let line = 1;
  let column = 1;
  // The first newline at or after pos, found once: searching afresh from pos would scan
  // to the end of a newline-free text for every offset (quadratic).
  let next = text.indexOf("\n");
  return (offset) => {
    if (offset < pos) {
      pos = 0;
      line = 1;
      column = 1;
      next = text.indexOf("\n");
    }
    let lineStart = -1;
    while (next !== -1 && next < offset) {
      line++;
      lineStart = next + 1;
      next = text.indexOf("\n", lineStart);
    }
    column = lineStart === -1 ? column + width(pos, offset) : 1 + width(lineStart, offset);
    pos = offset;
    return { line, column };
  };
}

/**
 * The stretch [start, end) of the line holding `offset`, at most `cap` code units on
 * each side of it: a minified megabyte line stays cheap, and the search for its ends
 * never leaves the window. (`slice` is O(1) in V8: it shares the text.)
 */
export function lineWindow(text: string, offset: number, cap = 4096): [number, number] {
  const lo = Math.max(0, offset - cap);
  const before = text.slice(lo, offset).lastIndexOf("\n");
  const hi = Math.min(text.length, offset + cap);
  const after = text.slice(offset, hi).indexOf("\n");
  return [before === -1 ? lo : lo + before + 1, after === -1 ? hi : offset + after];
}
