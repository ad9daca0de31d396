/**
 * One word for a POSIX shell, safe to paste: anything but plain characters goes inside
 * single quotes, where nothing (`$(…)`, backquotes, `${IFS}`) is expanded. A ref name can
 * hold `$`, `(`, `{` and `'` (git check-ref-format), so every printed command needs this.
 */
export function quoteForShell(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
