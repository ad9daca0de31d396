import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fakeKey, fakeLongKey } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";

export interface LeakyRepo {
  origin: TestRepo;
  keys: { live: string; long: string; test: string; placeholder: string };
  /** Paths the scrub must delete from every commit. */
  dotenvPaths: string[];
}

const LATIN1_NAME = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in latin1, not UTF-8

/**
 * A repository that leaks the way real ones do: a committed .env, a key in source that is
 * then renamed, a key in a commit message and in an annotated tag, a second branch merged
 * back, a 1.1 MiB file (other tools skip files over 1 MiB) with a key at its end, a non-UTF-8 file name, a binary, a template.
 */
export function makeLeakyRepo(): LeakyRepo {
  const live = fakeKey();
  const long = fakeLongKey("rk");
  const test = fakeKey("sk", "test");
  const placeholder = "sk_" + "live_" + "x".repeat(24);
  const r = makeRepo();
  r.commit("initial", { "README.md": "# shop\n", "src/app.js": "console.log('hi');\n" });
  r.commit("add stripe config", { ".env": `STRIPE_SECRET_KEY=${live}\nPORT=3000\n`, "config/stripe.js": `export const key = "${live}"; // TODO env\n` });
  r.git("checkout", "-q", "-b", "feature");
  r.commit("frontend", {
    "web/.env.production": `VITE_STRIPE_KEY=${long}\n`,
    "docs/setup.md": `Set STRIPE_SECRET_KEY (for example ${placeholder}); ours was ${long} until today.\n`,
    "web/.env.sample": `VITE_STRIPE_KEY=${live}\n`, // a template that once held a real key
  });
  r.commit("tests", { "tests/fixture.js": `const k = "${test}";\n`, "web/.env.sample": "VITE_STRIPE_KEY=\n" });
  r.git("checkout", "-q", "main");
  r.git("mv", "config/stripe.js", "config/payments.js");
  r.commit(`move config; old key ${long} is dead`, { "config/payments.js": `export const key = "${live}";\nexport const v = 2;\n` });
  r.git("tag", "-a", "v1.0", "-m", `release 1.0 (built with ${live})`);
  r.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature");
  writeFileSync(Buffer.concat([Buffer.from(r.dir + "/"), LATIN1_NAME]), `price list; key ${live}\n`);
  r.commit("big data and odd names", {
    "data/dump.sql": "INSERT INTO t VALUES (1);\n".repeat(45_000) + `-- ${long}\n`,
    "assets/logo.bin": Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.from(`k=${live}`)]),
  });
  r.commit("stop tracking .env", { ".env": null, ".env.example": "STRIPE_SECRET_KEY=\n", "config/.env.local": `STRIPE_KEY=${long}\n` });
  r.git("tag", "light");
  runGit(r.dir, ["gc", "-q"]);
  return { origin: r, keys: { live, long, test, placeholder }, dotenvPaths: [".env", "web/.env.production", "web/.env.sample", "config/.env.local"] };
}

/** What a collaborator has: `git clone --no-local` (a real, freshly packed clone). */
export function freshClone(from: string, opts: { bare?: boolean } = {}): string {
  const dir = join(tempDir("leakguard-clone-"), opts.bare ? "shop.git" : "shop");
  execFileSync("git", ["clone", "-q", "--no-local", ...(opts.bare ? ["--mirror"] : []), from, dir], { env: GIT_TEST_ENV });
  return dir;
}

/** Every object in the repository, reachable or not, as one buffer. */
export function allObjects(dir: string): Buffer {
  const list = runGit(dir, ["cat-file", "--batch-all-objects", "--batch-check=%(objectname)"]);
  return execFileSync("git", ["cat-file", "--batch"], { cwd: dir, input: list, env: GIT_TEST_ENV, maxBuffer: 1 << 30 });
}

export function refsOf(dir: string): string {
  return runGit(dir, ["for-each-ref", "--format=%(objectname) %(refname)"]);
}
