import { describe, expect, it } from "vitest";
import { createRepoProbe, RecheckBudgetError } from "../../../src/app/incidents/repo-probe.js";
import { fingerprint } from "../../../src/findings/fingerprint.js";
import { fakeKey } from "../../helpers/keys.js";
import { makeRepo } from "../../helpers/repo.js";

// The re-check's history scan is the largest scan the app runs (the whole history, on every
// push while incidents are open): it runs under the same budget as every other app scan.

function leakyRepo() {
  const repo = makeRepo();
  const key = fakeKey();
  repo.commit("leak", { "pay.js": `stripe("${key}")\n` });
  const tip = repo.commit("fix", { "pay.js": "stripe(process.env.K)\n" });
  return { dir: `${repo.dir}/.git`, tip, incident: { fingerprint: fingerprint(key), path: "pay.js" } };
}

describe("the re-check probe", () => {
  it("answers from a full history scan within the budget", async () => {
    const { dir, tip, incident } = leakyRepo();
    const status = await createRepoProbe({ dir, tip, historyFindings: null, budgetMs: 600_000 }).statusOf(incident);
    expect(status).toMatchObject({ inDefaultBranchTip: false, inHistory: true, checkedCommit: tip });
  });

  it("stops the history scan at the budget and says so, instead of answering 'not in history'", async () => {
    const { dir, tip, incident } = leakyRepo();
    const probe = createRepoProbe({ dir, tip, historyFindings: null, budgetMs: 0 });
    await expect(probe.statusOf(incident)).rejects.toBeInstanceOf(RecheckBudgetError);
    await expect(probe.statusOf(incident)).rejects.toThrow(/too large to re-check within 1 minute/);
  });

  it("needs no second history scan on first sight: the first-sight findings answer 'in history?'", async () => {
    // The key is in this history (first test): an answer of false shows that the given
    // first-sight findings were used and the history was not scanned again.
    const { dir, tip, incident } = leakyRepo();
    const status = await createRepoProbe({ dir, tip, historyFindings: [], budgetMs: 600_000 }).statusOf(incident);
    expect(status.inHistory).toBe(false);
  });

  it("stops the tip scan at the budget too", async () => {
    const { dir, tip, incident } = leakyRepo();
    await expect(createRepoProbe({ dir, tip, historyFindings: [], budgetMs: 0 }).statusOf(incident)).rejects.toBeInstanceOf(RecheckBudgetError);
  });
});
