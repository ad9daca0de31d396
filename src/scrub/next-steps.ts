import type { RefChange } from "./apply-rewrite.js";
import { ZERO_OID } from "../git/refs.js";
import { quoteForShell } from "./quote-for-shell.js";

export interface NextStepsInput {
  changedRefs: readonly RefChange[];
  hasRemote: boolean;
  pullRefs: number;
  firstChangedFile: string | null;
  bundle: string | null;
  keysRemoved: boolean;
  /** Some removed key is another provider's (`sk_live_` + hex): Stripe's Dashboard cannot rotate it. */
  otherProviderKeys?: boolean;
  /** A `--mirror` clone: git refuses refspecs there, so the push is `--mirror`. */
  mirror: boolean;
}

/**
 * Where a rewritten ref goes on the server. Remote-tracking refs of origin are how a fresh
 * clone holds its other branches; they are pushed back as branches. Pull-request refs
 * cannot be pushed (the forge owns them), nor can HEAD.
 */
export function pushRefspecs(changed: readonly RefChange[]): string[] {
  const local = new Set(changed.filter((c) => c.ref.startsWith("refs/heads/")).map((c) => c.ref));
  const specs: string[] = [];
  for (const { ref, new: next } of changed) {
    // refs/replace/* are left out: a server with the leakguard hook refuses them (and with them the whole push).
    if (ref === "HEAD" || ref.startsWith("refs/pull/") || ref === "refs/stash" || ref.startsWith("refs/replace/")) continue;
    // A ref deleted here (a blob ref holding a key, with consent) is deleted there too.
    const spec = (to: string) => (next === ZERO_OID ? `:${to}` : `+${ref}:${to}`);
    const tracking = /^refs\/remotes\/origin\/(.+)$/.exec(ref);
    if (tracking) {
      if (tracking[1] !== "HEAD" && !local.has(`refs/heads/${tracking[1]}`)) specs.push(spec(`refs/heads/${tracking[1]}`));
    } else if (!ref.startsWith("refs/remotes/")) specs.push(spec(ref));
  }
  return specs;
}

/**
 * The push, as one line to paste into a shell: every word quoted (a branch may be named
 * `fix$(touch${IFS}PWNED)`). A mirror clone pushes as a mirror: git refuses refspecs there,
 * and a mirror push also carries deletions.
 */
export function pushCommand(input: Pick<NextStepsInput, "changedRefs" | "hasRemote" | "mirror">): string | null {
  const specs = pushRefspecs(input.changedRefs);
  if (specs.length === 0) return null;
  const remote = input.hasRemote ? "origin" : "REMOTE";
  if (input.mirror && input.hasRemote) return `git push --force --mirror ${remote}`;
  return ["git", "push", "--force", remote, ...specs.map(quoteForShell)].join(" ");
}

/** What to do after a rewrite, in order, with the exact push command. */
export function nextSteps(input: NextStepsInput): string[] {
  const command = pushCommand(input);
  const steps: string[] = [];
  if (input.keysRemoved) {
    steps.push(
      "Rotate every removed key anyway (Dashboard > Developers > API keys > Rotate key), move your integration to the new key, then delete the old one: " +
        "a key that was ever pushed must be treated as known to others, and rewriting history does not un-publish it." +
        (input.otherProviderKeys ? " A key marked as not Stripe's is rotated the same way in the dashboard of the provider that issued it." : ""),
    );
  }
  if (command) {
    const where = input.hasRemote ? "" : " (REMOTE: the URL of the server's repository)";
    const mirror = input.mirror && input.hasRemote ? " This is a mirror clone, so the push mirrors every ref; the server refuses refs/pull/* (only the forge can change them), which is expected." : "";
    steps.push(`Force-push every rewritten ref${where} (a plain push is refused, and pushing only some refs leaves the rest leaking):${mirror}\n    ${command}`);
  }
  steps.push("Ask every collaborator to delete their clone and clone again. A pull or merge from an old clone brings the removed history straight back.");
  const pr = input.pullRefs ? ` ${input.pullRefs} pull-request ref(s) (refs/pull/*) still hold the old history and only GitHub can remove them.` : "";
  steps.push(
    "On GitHub, contact Support and ask them to purge cached views of the old commits and the pull-request refs that point at them; give them the repository and the first changed commits" +
      (input.firstChangedFile ? ` (listed in ${input.firstChangedFile}).` : ".") + pr,
  );
  if (input.bundle) steps.push(`The old history is in ${input.bundle}, outside the repository. It still holds the keys: keep it off any server and delete it once the new history is confirmed.`);
  return steps;
}
