// git's C-style path quoting (quote.c), on latin1 strings so that bytes >= 0x80 (any
// encoding) pass through as they are: fast-import takes them raw.

const ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", '"': '"', "\\": "\\" };
const NAMES: Record<string, string> = { "\x07": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", '"': '"', "\\": "\\" };

/** `"a\"b\303\251"` -> the raw bytes as latin1; an unquoted path is returned as it is. */
export function unquotePath(s: string): string {
  if (!s.startsWith('"')) return s;
  let out = "";
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n >= "0" && n <= "7") {
      out += String.fromCharCode(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else {
      out += ESCAPES[n] ?? n;
    }
  }
  return out;
}

/** Quotes only when fast-import needs it: control bytes, `"` or `\` (core.quotePath=false). */
export function quotePath(path: string): string {
  if (!/[\x00-\x1f"\\\x7f]/.test(path)) return path;
  let out = '"';
  for (const c of path) {
    const code = c.charCodeAt(0);
    if (NAMES[c]) out += "\\" + NAMES[c];
    else if (code < 0x20 || code === 0x7f) out += "\\" + code.toString(8).padStart(3, "0");
    else out += c;
  }
  return out + '"';
}
