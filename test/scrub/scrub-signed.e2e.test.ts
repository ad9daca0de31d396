import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fakeKey } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";
import { allObjects, freshClone } from "./leaky-repo.js";

// GitHub signs every commit merged in its web interface, so a real mirror's main is a line
// of signed commits, and a leak arrives on a side branch forked from it. Scrub must rewrite
// that side branch alone: main keeps its ids and signatures, and the rewritten branch still
// forks from the same signed commit.

/** The CLI in process, as a user runs it; `out` is its stdout. */
async function scrub(...args: string[]) {
  const r = await runCli(["scrub", ...args], { env: GIT_TEST_ENV });
  return { code: r.code, out: r.stdout };
}

/** An SSH signing key made here (offline), and the allowed-signers file that verifies it. */
function makeSigner(): { key: string; allowed: string } {
  const dir = tempDir("leakguard-signer-");
  const key = join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ada@example.com", "-f", key]);
  const allowed = join(dir, "allowed_signers");
  writeFileSync(allowed, `ada@example.com ${readFileSync(`${key}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}\n`);
  return { key, allowed };
}

const verifyConfig = (allowed: string) => ["-c", "gpg.format=ssh", "-c", `gpg.ssh.allowedSignersFile=${allowed}`];

function revList(dir: string): Set<string> {
  return new Set(runGit(dir, ["rev-list", "--all"]).split("\n").filter(Boolean));
}

describe("leakguard scrub on a mirror whose main is signed and whose side branch leaks", () => {
  let origin: TestRepo;
  let signer: { key: string; allowed: string };
  let mirror: string;
  let before: Set<string>;
  let mainCommits: string[];
  let forkPoint: string;
  let key: string;
  let result: { code: number; out: string };

  beforeAll(async () => {
    signer = makeSigner();
    key = fakeKey();
    origin = makeRepo();
    for (const [k, v] of [["gpg.format", "ssh"], ["user.signingkey", signer.key], ["commit.gpgsign", "true"], ["tag.gpgsign", "true"]]) origin.git("config", k!, v!);
    origin.commit("initial", { "README.md": "# shop\n", "src/app.js": "console.log('hi');\n" });
    origin.commit("checkout page", { "src/checkout.js": "export const pay = () => {};\n" });
    forkPoint = origin.commit("prices", { "src/prices.json": "{\"tea\": 3}\n" });
    origin.git("tag", "-s", "-m", "release 1.0", "v1.0");
    origin.git("checkout", "-q", "-b", "feature/stripe");
    origin.commit("wire stripe", { "src/stripe.js": `export const key = "${key}";\n` });
    origin.commit("stripe tests", { "test/stripe.test.js": "it('pays', () => {});\n" });
    origin.git("checkout", "-q", "main");
    origin.commit("faster checkout", { "src/checkout.js": "export const pay = async () => {};\n" });
    mainCommits = runGit(origin.dir, ["rev-list", "main"]).split("\n").filter(Boolean);
    mirror = freshClone(origin.dir, { bare: true });
    before = revList(mirror);
    result = await scrub(mirror, "--yes");
  });

  it("signed the history it starts from (so the test means something)", () => {
    for (const c of mainCommits) runGit(origin.dir, [...verifyConfig(signer.allowed), "verify-commit", c]);
    expect(mainCommits).toHaveLength(4);
  });

  it("removes the key from every object", () => {
    expect(result.code).toBe(0);
    expect(allObjects(mirror).toString("latin1")).not.toContain(key);
    expect(result.out).toContain("Re-scan of every object left in the repository: clean.");
  });

  it("leaves main and its signed tag as they were: same ids, signatures that still verify", () => {
    expect(runGit(mirror, ["rev-parse", "main"]).trim()).toBe(mainCommits[0]);
    for (const c of mainCommits) runGit(mirror, [...verifyConfig(signer.allowed), "verify-commit", c]); // throws on a bad or missing signature
    runGit(mirror, [...verifyConfig(signer.allowed), "verify-tag", "v1.0"]);
    expect(runGit(mirror, ["rev-parse", "v1.0^{commit}"]).trim()).toBe(forkPoint);
  });

  it("rewrites the side branch on top of the same signed fork point", () => {
    expect(runGit(mirror, ["merge-base", "main", "feature/stripe"]).trim()).toBe(forkPoint);
    expect(runGit(mirror, ["rev-parse", "feature/stripe~2"]).trim()).toBe(forkPoint);
    expect(runGit(mirror, ["show", "feature/stripe~1:src/stripe.js"])).toBe('export const key = "***REMOVED***";\n');
  });

  it("makes one new commit per retired commit, and says how many held the key", () => {
    const after = revList(mirror);
    const retired = [...before].filter((c) => !after.has(c));
    const created = [...after].filter((c) => !before.has(c));
    expect(retired).toHaveLength(2);
    expect(created).toHaveLength(2);
    const map = readFileSync(join(mirror, "leakguard-scrub/commit-map"), "utf8").trim().split("\n");
    expect(map[0]).toBe("old new cause");
    const rows = map.slice(1).map((l) => l.split(" "));
    expect(rows.map((r) => r[0]).sort()).toEqual(retired.sort());
    expect(rows.map((r) => r[1]).sort()).toEqual(created.sort());
    const wire = runGit(origin.dir, ["rev-parse", "feature/stripe~1"]).trim();
    expect(rows.find((r) => r[0] === wire)?.[2]).toBe("removal");
    expect(rows.find((r) => r[0] !== wire)?.[2]).toBe("ancestry");
    expect(result.out).toMatch(/Changed: 1 blob, 2 of 6 commit ids \(1 commit held something to remove, 1 only descends from one\), 1 ref\./);
    expect(result.out).toContain("2 new commits replace the 2 retired ones; the other 4 commits keep their ids (and signatures, if any).");
  });

  it("gives each rewritten commit the tree git-filter-repo gives it", () => {
    const oracle = freshClone(origin.dir, { bare: true });
    const expressions = join(tempDir(), "expressions.txt");
    writeFileSync(expressions, `${key}==>***REMOVED***\n`);
    execFileSync("git", ["filter-repo", "--force", "--quiet", "--replace-text", expressions, "--prune-empty", "never"], { cwd: oracle, env: GIT_TEST_ENV, stdio: "pipe" });
    const theirs = new Map(readFileSync(join(oracle, "filter-repo/commit-map"), "utf8").trim().split("\n").slice(1).map((l) => l.split(" ") as [string, string]));
    const rows = readFileSync(join(mirror, "leakguard-scrub/commit-map"), "utf8").trim().split("\n").slice(1).map((l) => l.split(" ") as [string, string]);
    for (const [old, next] of rows) {
      expect(runGit(mirror, ["rev-parse", `${next}^{tree}`]).trim(), old).toBe(runGit(oracle, ["rev-parse", `${theirs.get(old)}^{tree}`]).trim());
    }
    // filter-repo re-creates even the untouched signed commits (new ids, no signature): the
    // very thing scrub avoids. Their trees still agree with the ones scrub kept.
    for (const c of mainCommits) expect(runGit(oracle, ["rev-parse", `${theirs.get(c)}^{tree}`]).trim()).toBe(runGit(mirror, ["rev-parse", `${c}^{tree}`]).trim());
  });
});
