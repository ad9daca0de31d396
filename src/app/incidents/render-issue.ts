import { isLiveKey, RULES } from "../../vocabulary/index.js";
import type { Incident } from "../store/store.js";
import { closeTheHole, historyCleanup, vectorLabel } from "../github-advice.js";
import { code, href, link, person, repoName, shorten } from "./markdown.js";
import { renderStatus } from "./render-status.js";
import { incidentMarker } from "../github/issues.js";

// The incident issue: what leaked, where, how bad, then the playbook. The product's own
// wording of shared/reference/stripe-compromised-api-keys.md. Only the redacted key and
// the fingerprint ever appear.

export interface GithubRepo {
  fullName: string;
  htmlUrl: string;
  isPublic: boolean;
  defaultBranch: string;
}

export type IncidentFacts = Omit<Incident, "id" | "issueRepo" | "issueNumber" | "state" | "openedAt" | "repo">;

/** Where the key is, as the owner will look for it: `path`, or `archive!member` inside an archive (gitleaks' notation). */
export function placeName(i: { path: string; member?: string | null }): string {
  return i.member ? `${i.path}!${i.member}` : i.path;
}

export function issueTitle(i: IncidentFacts): string {
  // GitHub renders code spans in titles, and e-mail subjects show the text as it is: a code
  // span is inert in both. Titles over 256 characters are refused: a long path keeps its end.
  return `Leaked ${RULES[i.rule].title}${i.redacted ? ` ${i.redacted}` : ""} in ${code(shorten(placeName(i), 150))}`;
}

function what(i: IncidentFacts): string {
  if (!i.redacted) return `A tracked dotenv file, ${code(placeName(i))}. It may hold other credentials than Stripe keys.`;
  if (i.rule === "generic-live-secret-key") {
    return `A live secret key, ${code(i.redacted)}, in a shape Stripe never issues: another provider's (Paystack's keys look like this). Whoever has it can act as your account with that provider.`;
  }
  const live = isLiveKey(i.rule);
  const restricted = RULES[i.rule].kind === "restricted-key";
  return [
    `A Stripe ${live ? "**live-mode**" : "test-mode"} ${restricted ? "restricted" : "secret"} key, ${code(i.redacted)} (the Dashboard shows the same last four characters).`,
    live
      ? restricted
        ? "Whoever has it can do everything the key's permissions allow on your account."
        : "Whoever has it can act as your integration: create charges, refund them to themselves, read customer data and, on a Connect platform, create accounts and move payouts."
      : "Test mode moves no real money, but the key still exposes your test data and should be rolled.",
  ].join(" ");
}

function where(i: IncidentFacts, repo: GithubRepo): string[] {
  const commit = i.commit ? link(code(i.commit.slice(0, 7)), href(repo.htmlUrl, ["commit", i.commit])) : "unknown";
  // Inside an archive the line is the member's: the link goes to the archive itself.
  const file = i.member ? `${code(i.member)} line ${i.line}, inside the archive ${code(i.path)}` : `${code(i.path)} line ${i.line}`;
  const fileLink = i.commit ? link(file, href(repo.htmlUrl, ["blob", i.commit, ...i.path.split("/")], i.member ? undefined : `L${i.line}`)) : file;
  return [
    `- **Where:** ${fileLink} in ${repoName(repo.fullName)}, commit ${commit}${i.ref ? ` (${code(i.ref)})` : ""}`,
    `- **Pushed by:** ${i.pusher ? person(i.pusher) : "unknown (found in existing history)"}`,
    `- **How it got there:** ${vectorLabel(i.vector)}`,
    `- **Severity:** ${i.severity} · fingerprint ${code(i.fingerprint.slice(0, 16))}`,
  ];
}

function urgency(repo: GithubRepo): string {
  return repo.isPublic
    ? "> [!CAUTION]\n> **This repository is public.** Scrapers collect keys from public repositories within minutes and trade them. Assume the key is already in someone else's hands and rotate it now, before anything else."
    : "> [!WARNING]\n> The repository is private, but everyone with read access, every fork and every clone has the key. Rotate it now.";
}

const ROTATE = [
  "Open the Dashboard → Developers → [API keys](https://dashboard.stripe.com/apikeys) and find the key by its last four characters.",
  "Use **⋯ → Rotate key**. Stripe creates a new key and schedules the old one to expire.",
  "Pick an expiration that leaves enough time to test with the new key.",
  "Put the new key into your backend's configuration — not into the place it leaked from (see *Close the hole* below).",
  "Check that the integration really uses it: **⋯ → View request logs** on the new key should show your traffic.",
  "Delete the old key with **⋯ → Delete key**. It stops working at once; its request logs stay available.",
];

const AFTER = [
  "Look for connected accounts, payouts or external bank accounts you do not recognise; pause payouts to them or reject them in the Dashboard.",
  "Start payout reversals for money already sent to fraudulent bank accounts (recovery is not guaranteed, so act early; Stripe support can help), then remove those bank accounts.",
  "Refund fraudulent charges quickly to head off disputes; add funds if the balance cannot cover the refunds.",
  "Review the old key's recent requests in [Workbench](https://dashboard.stripe.com/workbench/logs) for activity your integration does not do.",
  "Rotate every other secret and restricted key that could have been exposed the same way.",
  "If you find another exposure while doing this, fix it and rotate again: a replacement key stored the same way is compromised the same way.",
];

/** Another provider's key: the steps that hold for any provider, none of Stripe's. */
const GENERIC_ROTATE = [
  "Find which provider issued the key (the variable name and the code around it usually say) and open its dashboard.",
  "Roll or revoke the key there, put the new one into your backend's configuration — not into the place it leaked from (see *Close the hole* below).",
  "Review the provider's logs of the old key's recent use for activity your integration does not do.",
];

function checklist(items: readonly string[]): string[] {
  return items.map((t) => `- [ ] ${t}`);
}

export function issueBody(i: IncidentFacts, repo: GithubRepo): string {
  return [
    // Found again by a retried job that died before it recorded the issue (github/issues.ts).
    incidentMarker(repo.fullName, i.fingerprint),
    urgency(repo),
    "",
    "## What leaked",
    what(i),
    "",
    ...where(i, repo),
    ...(i.replacementOf ? ["", `> [!CAUTION]\n> This key replaced the one in ${i.replacementOf} and leaked **the same way**. Fix the vector first, then rotate again.`] : []),
    "",
    renderStatus(i, repo),
    "",
    "## 1. Rotate the key now",
    ...checklist(i.rule === "generic-live-secret-key" ? GENERIC_ROTATE : ROTATE),
    "",
    "## 2. After rotating",
    ...checklist(i.rule === "generic-live-secret-key" ? AFTER.slice(-1) : AFTER),
    "",
    "## 3. Close the hole",
    ...closeTheHole(i.vector),
    "- Restrict what a key can do: prefer restricted keys with only the permissions each job needs, and limit keys to your servers' IP addresses.",
    "",
    "## 4. Clean the history (after rotating)",
    "Removing the key from history does not make it safe again — only rotation does — but it stops the next reader from finding it.",
    ...historyCleanup(),
    "",
    "## About threatening emails",
    "People holding a leaked key sometimes email the owner, claiming to be Stripe, and demand that a product be enabled or the account will be shut down. Stripe does not deactivate accounts for not using its products: treat such a message as phishing and check the sender against Stripe's verified domains.",
    "",
    "<sub>Opened by leakguard. The key itself is never written here: only its redacted form and fingerprint.</sub>",
  ].join("\n");
}
