import { join } from "node:path";
import type { ScrubResult } from "./run.js";
import { REPLACEMENT } from "./remove-keys.js";
import { nextSteps } from "./next-steps.js";
import { quoteForShell } from "./quote-for-shell.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const MAX_LIST = 20;

function list<T>(items: readonly T[], show: (t: T) => string): string[] {
  const lines = items.slice(0, MAX_LIST).map((t) => `  ${show(t)}`);
  if (items.length > MAX_LIST) lines.push(`  ... and ${items.length - MAX_LIST} more`);
  return lines;
}

/** The human report of a scrub: what was (or would be) removed, what changed, what to do next. Never a raw key. */
export function describeResult(r: ScrubResult): string[] {
  const where = r.repo.bare ? `bare repository ${r.repo.dir}` : r.repo.dir;
  const rerun = `leakguard scrub --yes ${quoteForShell(r.repo.dir)}`;
  const older = r.oldBundles.length
    ? [`Backups of earlier runs beside the repository (each still holds the keys; delete them once you no longer need them): ${r.oldBundles.join(", ")}`]
    : [];
  if (r.outcome === "nothing-to-do") {
    return [`Nothing to remove in ${where}: no live secret key or dotenv file in any object of it. Nothing was changed.`, ...older];
  }
  const rep = r.report!;
  const out: string[] = [];
  const verb = r.outcome === "preview" ? "would" : "did";
  if (r.pendingResume) {
    return [
      `An earlier scrub of ${where} moved its refs but did not finish: the old objects (and their keys) are still in the repository.`,
      `To finish it (expire reflogs, repack, prune, re-scan), run: ${rerun}`, ...older,
    ];
  }
  if (r.outcome === "pruned") out.push(`Finished cleaning ${where}: no ref had to change, but ${plural(r.unreachable, "object")} outside every ref's history held keys.`);
  else if (r.resumed) out.push(`Finished the interrupted scrub of ${where} (its refs had already moved):`);
  else out.push(r.outcome === "preview" ? `Preview for ${where} (nothing was changed):` : `Rewrote the history of ${where}:`);
  if (rep.keys.length) {
    out.push(`Keys replaced by ${REPLACEMENT}:`);
    const whose = (k: (typeof rep.keys)[number]) => (k.rule ? " (not a Stripe key: rotate it with the provider that issued it)" : "");
    out.push(...list(rep.keys, (k) => `${k.redacted} (fingerprint ${k.fingerprint.slice(0, 12)}) in ${plural(k.blobs, "file version")} and ${plural(k.messages, "message")}${whose(k)}`));
  }
  if (rep.deletedPaths.length) {
    out.push("Files removed from every commit:");
    out.push(...list(rep.deletedPaths, (d) => `${d.path} (in ${plural(d.commits, "commit")})`));
  }
  if (rep.editedPaths.length) out.push(`Files edited (key replaced, rest kept): ${rep.editedPaths.slice(0, MAX_LIST).join(", ")}${rep.editedPaths.length > MAX_LIST ? ", ..." : ""}`);
  const kept = rep.binaryWithKeys.filter((b) => !b.deleted);
  if (kept.length) {
    out.push("Binary files holding a key (cannot be edited in place; left as they are, rerun with --delete-binary-with-keys to remove them):");
    out.push(...list(kept, (b) => `${b.path} (blob ${b.blob.slice(0, 12)})`));
  }
  const objectRefs = r.objectRefs.filter((o) => o.action !== "unchanged");
  if (objectRefs.length) {
    out.push("Refs that hold a blob or a tree directly (no commit history to rewrite):");
    const how = { cleaned: `${verb === "would" ? "would point" : "now points"} at a cleaned copy`, deleted: verb === "would" ? "would be deleted (--delete-binary-with-keys)" : "deleted (--delete-binary-with-keys)", kept: "a binary holding a key: left as it is (--delete-binary-with-keys deletes the ref)", unchanged: "" } as const;
    out.push(...list(objectRefs, (o) => `${o.ref} (${o.type}): ${how[o.action]}`));
  }
  if (r.unreachable && r.outcome === "preview") {
    out.push(`${plural(r.unreachable, "object")} outside every ref's history still hold keys (a reflog, a stash, an index, or an earlier run stopped before its gc): --yes expires the reflogs and prunes them.`);
  }
  if (r.replaceRefs.length) {
    out.push(
      `${plural(r.replaceRefs.length, "replace ref")} (refs/replace/*) ${verb === "would" ? "are" : "were"} read as plain refs (replace objects stay off for the whole run, so nothing is read through them) and rewritten like any other. ` +
        "Each names the old id of the object it replaces, which the rewrite may have changed: list them with `git replace -l` and delete stale ones with `git replace -d`. " +
        "They are not in the push command below (a server with the leakguard hook refuses them); a mirror push does carry them.",
    );
    out.push(...list(r.replaceRefs, (x) => x));
  }
  if (r.stashes) {
    const entries = `${r.stashes} stash ${r.stashes === 1 ? "entry" : "entries"}`;
    out.push(`${entries} ${verb === "would" ? "would be rewritten and kept (with --force)" : r.stashes === 1 ? "was rewritten and kept" : "were rewritten and kept"} (git stash list).`);
  }
  // Ids that change next to the commits that held something: the rest only descend from one.
  const holding = rep.commitsHolding ?? rep.commitsChanged; // a state file from before the count
  const descend = rep.commitsChanged - holding;
  out.push(
    `${r.outcome === "preview" ? "Would change" : "Changed"}: ${plural(rep.blobsChanged, "blob")}, ${rep.commitsChanged} of ${plural(rep.commitsSeen, "commit id")} ` +
      `(${plural(holding, "commit")} held something to remove, ${descend} only ${descend === 1 ? "descends" : "descend"} from one), ` +
      `${plural(r.outcome === "preview" ? rep.changedRefs.length : r.changedRefs.length, "ref")}.`,
  );
  const keep = rep.commitsSeen - rep.commitsChanged;
  if (rep.commitsChanged) {
    out.push(`${plural(rep.commitsChanged, "new commit")} ${r.outcome === "preview" ? "would replace" : "replace"} the ${rep.commitsChanged} retired ${rep.commitsChanged === 1 ? "one" : "ones"}; the other ${plural(keep, "commit")} ${r.outcome === "preview" ? "would keep" : "keep"} ${keep === 1 ? "its id (and its signature, if any)" : "their ids (and signatures, if any)"}.`);
  }
  const refs = r.outcome === "preview" ? rep.changedRefs : r.changedRefs.map((c) => `${c.ref} ${c.old.slice(0, 12)} -> ${c.new.slice(0, 12)}`);
  out.push(...list(refs, (x) => x));
  if (r.firstChanged.length) {
    out.push(`First changed commits (old id${r.outcome === "preview" ? "" : " -> new id"}):`);
    out.push(...list(r.firstChanged, (c) => (c.new ? `${c.old} -> ${c.new}` : c.old)));
  }
  if (rep.orphanedLfs.length) out.push(`${plural(rep.orphanedLfs.length, "LFS object")} ${verb === "would" ? "would be" : "are"} no longer referenced; the LFS server still stores them: ${rep.orphanedLfs.slice(0, 5).join(", ")}`);
  if (r.pullRefs) out.push(`${plural(r.pullRefs, "pull-request ref")} (refs/pull/*) point at the old history on the server.`);
  if (r.outcome === "preview") {
    if (r.freshCloneProblems.length) out.push(`Note: a rewrite would be refused without --force, because this does not look like a fresh clone: ${r.freshCloneProblems.join("; ")}.`);
    out.push(`To rewrite, run: ${rerun}`, ...older);
    return out;
  }
  if (r.outcome === "unchanged") return [...out, "No ref changed; the repository was left as it was.", ...older];
  if (r.bundle) out.push(`Old history saved to ${r.bundle} (outside the repository).`);
  out.push(...older);
  if (r.artifactsDir && r.changedRefs.length) {
    out.push(`Commit map (old new cause, one row per changed id) in ${join(r.artifactsDir, "commit-map")}; refs in ${join(r.artifactsDir, "ref-map")}.`);
    out.push("Warning: signatures on rewritten commits and tags are gone (a signature covers the old content); re-sign if you need them. Commits and tags that did not change keep theirs.");
  }
  if (r.worktree?.kept.length) out.push(`Kept in the work tree, now untracked: ${r.worktree.kept.join(", ")}. Add them to .gitignore so they are not committed again (--gitignore does that in the rewritten tips).`);
  if (r.worktree?.mode === "index-only") {
    out.push(r.resumed ? "Only the index was moved to the rewritten HEAD (the interrupted run may not have reached the work tree): files on disk may still hold a removed key." : "The work tree had local changes, so only the index was moved: files on disk may still hold a removed key.");
  }
  for (const w of r.linkedWorktrees) {
    out.push(w.mode === "index-only"
      ? `Linked worktree ${w.path}: only its index was moved to its rewritten branch; files on disk may still hold a removed key.`
      : `Linked worktree ${w.path} has a detached HEAD at an old commit: it keeps that history (and its keys) in the repository. Check out a rewritten branch there, then run: ${rerun.replace(" --yes ", " --yes --force ")}`);
  }
  if (r.unfinished) {
    out.push(`NOT FINISHED: ${r.unfinished}. The refs have moved (push them as below), but the old objects may still be in the repository and the re-scan did not complete. To finish, run: ${rerun}`);
  } else if (r.remaining?.length) {
    out.push(`The re-scan of every object left in the repository still finds ${plural(r.remaining.length, "finding")}:`);
    out.push(...list(r.remaining, (f) => `${f.rule} ${f.shown} ${f.where}`.replace(/\s+/g, " ")));
  } else out.push("Re-scan of every object left in the repository: clean.");
  out.push("", "Next steps:");
  const steps = nextSteps({
    changedRefs: r.changedRefs, hasRemote: r.hasRemote, mirror: r.repo.mirror, pullRefs: r.pullRefs, bundle: r.bundle, keysRemoved: rep.keys.length > 0,
    otherProviderKeys: rep.keys.some((k) => k.rule !== undefined),
    firstChangedFile: r.artifactsDir ? join(r.artifactsDir, "first-changed-commits") : null,
  });
  steps.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
  return out;
}
