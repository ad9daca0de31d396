// The one way repository content (paths, branch and tag names, author and pusher names,
// commit messages, config file text, error messages quoting any of these) reaches GitHub
// Markdown: issue bodies, comments, check-run summaries. Anyone who can push chooses that
// content, so nothing of it may become a link, an image, a mention, HTML or a new block.
//
// Rules relied on (GitHub Flavored Markdown, https://github.github.com/gfm/):
// - Inside a code span nothing is interpreted: no links, autolinks, HTML, entities, and
//   GitHub runs no @mention / #ref / emoji filter on code (spec 6.1; github/markup).
//   A span opened by N backticks ends only at a run of exactly N, so a fence longer than
//   any run inside cannot be closed early.
// - Block structure is parsed before inlines: a line break inside a span could still start
//   a heading, list or link reference definition. Line breaks never reach the output.
// - Any ASCII punctuation may be backslash-escaped (spec 2.4), which stops emphasis, links,
//   images, HTML and entities in plain text. It does not stop what runs on the text after
//   parsing: extended autolinks (`www.`, `https://`, `a@b.c`, spec 6.9) and GitHub's @mention
//   and #reference filters. Those are broken by a zero-width space, written as the entity
//   `&#8203;`, after every `@`, `#`, `:` and `.`: the entity decodes to a character that no
//   name, domain or scheme may contain.

/** C0/C1 controls, and the bidi controls that make text display in another order than it reads. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(s: string): string {
  return s.replace(INVISIBLE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** Plain text GitHub shows without Markdown (issue titles, check-run titles, annotations): one visible line. */
export function plain(s: string, max = 200): string {
  const v = visible(s);
  return v.length > max ? `${v.slice(0, max - 1)}…` : v;
}

/** A path as long as git allows would crowd out everything else (GitHub caps titles and summaries): its end says most. */
export function shorten(s: string, max = 300): string {
  return s.length > max ? `…${s.slice(-(max - 1))}` : s;
}

/** `text` as an inline code span that nothing inside can close. */
export function code(s: string): string {
  const v = visible(s);
  const longest = Math.max(0, ...(v.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  // A span that starts or ends with a backtick needs a space of padding, which GFM strips
  // again (spec 6.1); padding a span that already has spaces at both ends would eat them.
  const pad = v.startsWith("`") || v.endsWith("`") || (v.startsWith(" ") && v.endsWith(" ") && v.trim() !== "") ? " " : "";
  return `${fence}${pad}${v || " "}${pad}${fence}`;
}

const ZWSP = "&#8203;";

/** After these, GitHub's text filters would start a mention, an issue reference or an autolink. */
const BREAK_AFTER = new Set(["@", "#", ":", "."]);

/** `text` as literal inline text: no emphasis, link, image, HTML, entity, mention, reference or autolink. */
export function text(s: string): string {
  return visible(s).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}${BREAK_AFTER.has(c) ? ZWSP : ""}`);
}

/**
 * A link target built by us: an http(s) base we trust plus path segments from the repository,
 * each percent-encoded completely (`/`, `(`, `)`, `#`, `?`, quotes, spaces included).
 * Returns null when the base is not an http(s) URL, so the caller shows no link.
 */
export function href(base: string, segments: readonly string[] = [], fragment = ""): string | null {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password || url.search || url.hash) return null;
  const path = segments.map(encodeSegment).join("/");
  const root = url.href.replace(/\/+$/, "");
  const full = `${root}${path ? `/${path}` : ""}${fragment ? `#${encodeSegment(fragment)}` : ""}`;
  // The base itself went through the URL parser; what it leaves unencoded and Markdown
  // cares about is encoded here too.
  return full.replace(/[()<>"'`\\\s[\]{}|^]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A Markdown link whose label is escaped text or a code span already built by `code()`. */
export function link(label: string, target: string | null): string {
  return target ? `[${label}](${target})` : label;
}

/** GitHub's own repository names (owner/name) are shown as they are; anything else is quoted. */
export function repoName(fullName: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/.test(fullName) ? fullName : code(fullName);
}

/**
 * The pusher. A GitHub login (from the signed payload) is left a mention on purpose: the
 * pusher has to act. Anything else (a bot's `name[bot]`, a git pusher name) is plain text.
 */
export function person(name: string): string {
  return /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(name) ? name : text(name);
}
