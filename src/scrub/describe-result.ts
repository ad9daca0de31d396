import { join } from "node:path";
import type { ScrubResult } from "./run.js";
import { REPLACEMENT } from "./remove-keys.js";
import { nextSteps } from "./next-steps.js";

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
  if (r.outcome === "nothing-to-do") return [`Nothing to remove in ${where}: no Stripe secret key or dotenv file in its history. Nothing was changed.`];
  const rep = r.report!;
  const out: string[] = [];
  const verb = r.outcome === "preview" ? "would" : "did";
  out.push(r.outcome === "preview" ? `Preview for ${where} (nothing was changed):` : `Rewrote the history of ${where}:`);
  if (rep.keys.length) {
    out.push(`Keys replaced by ${REPLACEMENT}:`);
    out.push(...list(rep.keys, (k) => `${k.redacted} (fingerprint ${k.fingerprint.slice(0, 12)}) in ${plural(k.blobs, "file version")} and ${plural(k.messages, "message")}`));
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
  out.push(
    `${r.outcome === "preview" ? "Would change" : "Changed"}: ${plural(rep.blobsChanged, "blob")}, ${plural(rep.commitsChanged, "commit")} of ${rep.commitsSeen}, ` +
      `${plural(r.outcome === "preview" ? rep.changedRefs.length : r.changedRefs.length, "ref")}.`,
  );
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
    out.push(`To rewrite, run: leakguard scrub --yes ${JSON.stringify(r.repo.dir)}`);
    return out;
  }
  if (r.outcome === "unchanged") return [...out, "No ref changed; the repository was left as it was."];
  out.push(`Old history saved to ${r.bundle} (outside the repository).`);
  out.push(`Commit map (old new) in ${join(r.artifactsDir!, "commit-map")}; refs in ${join(r.artifactsDir!, "ref-map")}.`);
  out.push("Warning: signatures on rewritten commits and tags are gone (a signature covers the old content); re-sign if you need them.");
  if (r.worktree?.kept.length) out.push(`Kept in the work tree, now untracked: ${r.worktree.kept.join(", ")}. Add them to .gitignore so they are not committed again (--gitignore does that in the rewritten tips).`);
  if (r.worktree?.mode === "index-only") out.push("The work tree had local changes, so only the index was moved: files on disk may still hold a removed key.");
  if (r.remaining?.length) {
    out.push(`The rewritten history still holds ${plural(r.remaining.length, "finding")}:`);
    out.push(...list(r.remaining, (f) => `${f.rule} ${f.redacted ?? ""} ${f.path}${f.commit ? ` @ ${f.commit.slice(0, 12)}` : ""}`.replace(/\s+/g, " ")));
  } else out.push("Re-scan of the rewritten history: clean.");
  out.push("", "Next steps:");
  const steps = nextSteps({
    changedRefs: r.changedRefs, hasRemote: r.hasRemote, pullRefs: r.pullRefs, bundle: r.bundle, keysRemoved: rep.keys.length > 0,
    firstChangedFile: r.artifactsDir ? join(r.artifactsDir, "first-changed-commits") : null,
  });
  steps.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
  return out;
}
