// What GitHub would still interpret in a Markdown text once its code spans are taken out
// (CommonMark 6.1: a span opened by a run of N backticks ends at the next run of exactly N;
// nothing inside it is a link, an image, HTML, a mention or an autolink).

export function outsideCodeSpans(md: string): string {
  let out = "";
  let i = 0;
  while (i < md.length) {
    if (md[i] === "\\" && i + 1 < md.length) {
      out += md.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (md[i] !== "`") {
      out += md[i];
      i++;
      continue;
    }
    let n = 0;
    while (md[i + n] === "`") n++;
    const fence = "`".repeat(n);
    let close = -1;
    for (let j = md.indexOf(fence, i + n); j !== -1; j = md.indexOf(fence, j + 1)) {
      if (md[j - 1] !== "`" && md[j + n] !== "`") {
        close = j;
        break;
      }
      while (md[j + 1] === "`") j++;
    }
    if (close === -1) {
      out += fence; // an unmatched run is literal text
      i += n;
    } else {
      out += " ";
      i = close + n;
    }
  }
  return out;
}

/** The interpretable constructs an attacker wants: links, images, mentions, autolinks, HTML. */
export function activeMarkdown(md: string): string[] {
  const rest = outsideCodeSpans(md);
  const found: string[] = [];
  // Unescaped `[` ... `](` is a link or image; `<x` is HTML or an autolink.
  for (const m of rest.matchAll(/(?<!\\)!?\[[^\]]*(?<!\\)\]\(/g)) found.push(m[0]);
  for (const m of rest.matchAll(/(?<!\\)<[A-Za-z/!?]/g)) found.push(m[0]);
  // A mention or team mention: `@` directly followed by a name (GitHub strips no escapes from it).
  for (const m of rest.matchAll(/@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_-]+)?/g)) found.push(m[0]);
  // Extended autolinks.
  for (const m of rest.matchAll(/(?:https?|ftp)(?:\\)?:(?:\\)?\/(?:\\)?\/|www(?:\\)?\.(?:\\)?[A-Za-z0-9]/gi)) found.push(m[0]);
  return found;
}
