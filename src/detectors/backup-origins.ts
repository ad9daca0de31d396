// Editors, `cp`, and admins leave copies next to a file: `wp-config.php.bak`, `.env~`,
// vim's swap `.wp-config.php.swp`, emacs's `#.env#`. A web server serves such a copy as
// plain text (it no longer ends in `.php`), so a copy is the same exposure as the file
// it was made from, and gets the same name-based answers (issue 10 items 5 and 6).

/** Suffixes that mark a copy (`.1`, `.2` are cp --backup=numbered and logrotate). */
const BACKUP_SUFFIX = /(?:\.(?:bak|backup|bk|old|orig|save|saved|copy|tmp|swp|swo|\d{1,3})|~)$/i;
const SWAP_SUFFIX = /\.sw[op]$/i;
const EMACS_AUTOSAVE = /^#(.+)#$/;

/**
 * The names a file may be a copy of (`wp-config.php.bak` -> `wp-config.php`), or just
 * the name itself when it is not a copy. Vim puts a dot before the name unless it has
 * one, so `.env.local.swp` may be the swap of `.env.local` or of `env.local`: both are
 * given. One suffix is taken off: `x.bak.bak` says `x.bak`, which still tells the kind.
 */
export function backupOrigins(name: string): string[] {
  const emacs = EMACS_AUTOSAVE.exec(name);
  if (emacs) return [emacs[1]!];
  const stripped = name.replace(BACKUP_SUFFIX, "");
  if (stripped === name || stripped === "") return [name];
  if (SWAP_SUFFIX.test(name) && stripped.startsWith(".") && stripped.length > 1) return [stripped, stripped.slice(1)];
  return [stripped];
}
