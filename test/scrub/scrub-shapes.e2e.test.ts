import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { GIT_TEST_ENV, makeRepo, runGit, tempDir } from "../helpers/repo.js";
import type { TestRepo } from "../helpers/repo.js";
import { allObjects, freshClone } from "./leaky-repo.js";

// The shapes the scan finds beyond one key in one file: the same blob at several paths
// (a backup copy, a bundle deployed to an orphan gh-pages branch), env files not named
// `.env`, another provider's `sk_live_` secret, a key right after `%3D` or `\n`, and
// archives (an .apk, a .jar) holding a key.

/** The CLI in process, as a user runs it; `out` is its stdout. */
async function scrub(...args: string[]) {
  const r = await runCli(["scrub", ...args], { env: GIT_TEST_ENV });
  return { code: r.code, out: r.stdout };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
const escaped = (key: string) => key.replace(/_/g, "\\u005f");

/** Paystack's shape: `sk_live_` + 40 lowercase hex digits, not a possible Stripe key. */
const genericKey = () => "sk_" + "live_" + randomBytes(20).toString("hex");

/**
 * A real archive made by a real tool. Stored members (the default here) leave the key in
 * the raw bytes too; `packed` compresses them as the tools do by default, so the key is
 * in no raw byte and only the archive's members can show it.
 */
function archive(tool: "zip" | "jar" | "tgz", members: Record<string, string>, packed = false): Buffer {
  const dir = tempDir("leakguard-archive-");
  for (const [p, c] of Object.entries(members)) {
    mkdirSync(dirname(join(dir, "in", p)), { recursive: true });
    writeFileSync(join(dir, "in", p), c);
  }
  const out = join(dir, `out.${tool}`);
  if (tool === "zip") execFileSync("zip", [packed ? "-9" : "-0", "-q", "-X", "-r", out, "."], { cwd: join(dir, "in") });
  else if (tool === "jar") execFileSync("jar", ["--create", ...(packed ? [] : ["--no-compress"]), "--file", out, "-C", join(dir, "in"), "."]);
  else execFileSync("tar", ["czf", out, "-C", join(dir, "in"), "."]);
  return readFileSync(out);
}

const LIVE = "sk_" + "live_";
const PRECISION_NEGATIVES = [
  `See https://docs.stripe.com/keys/${LIVE}yourSecretKeyGoesHereForTesting for where it goes.`,
  `export STRIPE_KEY=${LIVE}PutYourLiveStripeKeyHere`,
  `task_live_${"aZ9" + "Qx7Lm2Rt8Vb4Nc6Kd1Ws"} is a job id, not a key`,
  "",
].join("\n");

/** Enough ordinary text before a key that deflate really compresses the member around it. */
const PADDING = "# generated, do not edit\n".repeat(200);

interface Shapes {
  origin: TestRepo;
  live: string;
  long: string;
  generic: string;
  /** Only ever inside a deflated member of an .aab: no raw byte of history holds it. */
  archived: string;
  dotenvPaths: string[];
  binaryPaths: string[];
}

function makeShapesRepo(): Shapes {
  const live = fakeKey();
  const long = fakeLongKey();
  const generic = genericKey();
  const archived = fakeKey("rk");
  const r = makeRepo();
  r.commit("initial", { "README.md": "# shop\n" });
  const env = `STRIPE_SECRET_KEY=${live}\nPAYSTACK_SECRET_KEY=${generic}\n`;
  const settings = `{"stripe": "${live}", "paystack": "${generic}", "currency": "eur"}\n`;
  r.commit("config and its backups", {
    ".env": env,
    ".env.bak": env, // cp .env .env.bak: the same blob at a second path
    "deploy/prod.env": `STRIPE_SECRET_KEY=${long}\n`,
    "config/settings.json": settings,
    "config/settings.json.bak": settings,
    // Encoded: a Kubernetes Secret's base64 `data:`, and a JSON string with \u005f escapes.
    "k8s/stripe-secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: stripe\ndata:\n  STRIPE_SECRET_KEY: ${b64(live)}\n`,
    "web/keys.json": `{"stripe": "${escaped(long)}"}\n`,
  });
  // Precision negatives (issue 10 item 7): documentation prose after a docs URL, capitalised
  // words, a `task_live_` look-alike. The scan reports none of them, so scrub must keep them
  // byte for byte (the filter-repo oracle below is not asked to touch them either).
  r.commit("docs", { "docs/keys.md": PRECISION_NEGATIVES });
  const bundle = `const k="${live}";console.log(k);\n`;
  r.commit("build", {
    "dist/app.js": bundle,
    "web/pay.html": `<a href="https://pay.example/checkout?key%3D${long}">pay</a>\n<script>const cfg = "{\\n${long}}";</script>\n`,
  });
  const apk = archive("zip", { "assets/config.json": `{"key": "${live}"}\n`, "classes.dex": "dex\n" });
  const packed = {
    "release/app-release.aab": archive("zip", { "base/assets/config.json": `${PADDING}{"key": "${archived}"}\n`, "base/dex/classes.dex": "dex\n" }, true),
    "libs/pay.jar": archive("jar", { "com/shop/Pay.properties": `${PADDING}paystack=${generic}\n` }, true),
    "backups/site.tar.gz": archive("tgz", { "site/.env": `${PADDING}STRIPE_SECRET_KEY=${live}\n` }, true),
  };
  for (const [p, bytes] of Object.entries(packed)) for (const k of [live, generic, archived]) expect(bytes.includes(k), p).toBe(false);
  r.commit("release build", {
    "release/app-release.apk": apk,
    "libs/sdk.jar": archive("jar", { "com/shop/Keys.properties": `paystack=${generic}\n` }),
    ...packed,
  });
  r.git("checkout", "-q", "--orphan", "gh-pages");
  r.git("rm", "-rfq", ".");
  r.commit("publish site", {
    "assets/app.js": bundle, // the bundle, deployed under another path on the public site
    "downloads/app.apk": apk,
  });
  r.git("checkout", "-q", "main");
  return {
    origin: r, live, long, generic, archived, dotenvPaths: [".env", ".env.bak", "deploy/prod.env"],
    binaryPaths: ["release/app-release.apk", "libs/sdk.jar", "downloads/app.apk", ...Object.keys(packed)],
  };
}

const ALL_PATHS = (dir: string) => runGit(dir, ["log", "--all", "--name-only", "--format="]).split("\n").filter(Boolean);

describe("leakguard scrub on every shape the scan finds", () => {
  let shapes: Shapes;
  beforeAll(() => {
    shapes = makeShapesRepo();
  });

  it("previews every location: each copy, each env file, each archive, and another provider's live key", async () => {
    const work = freshClone(shapes.origin.dir);
    const r = await scrub(work, "--dry-run");
    expect(r.code).toBe(0);
    for (const k of [shapes.live, shapes.long, shapes.generic, shapes.archived]) expect(r.out).not.toContain(k);
    // Another provider's key goes too, and is not called Stripe's: Stripe's Dashboard cannot rotate it.
    expect(r.out).toMatch(new RegExp(`${redacted(shapes.generic)} \\(fingerprint \\w+\\) in 2 file versions and 0 messages \\(not a Stripe key: rotate it with the provider that issued it\\)`));
    expect(r.out).toMatch(new RegExp(`${redacted(shapes.live)} \\(fingerprint \\w+\\) in 4 file versions and 0 messages\n`)); // .env (one blob at two paths), settings (likewise), bundle, Secret; the apk is binary
    for (const p of shapes.dotenvPaths) expect(r.out).toContain(`  ${p} (in 1 commit)`);
    expect(r.out).toContain("Files edited (key replaced, rest kept): assets/app.js, config/settings.json, config/settings.json.bak, dist/app.js, k8s/stripe-secret.yaml, web/keys.json, web/pay.html");
    const binaries = r.out.slice(r.out.indexOf("Binary files holding a key"));
    for (const p of shapes.binaryPaths) expect(binaries).toMatch(new RegExp(`\n  ${p.replace(".", "\\.")} \\(blob [0-9a-f]{12}\\)`));
  });

  it("cleans every copy and keeps the archives, reporting each under its own rule", async () => {
    const work = freshClone(shapes.origin.dir);
    const r = await scrub(work, "--yes");
    expect(r.code).toBe(0);
    const text = allObjects(work).toString("latin1");
    expect(text).not.toContain(shapes.long);
    for (const p of ["config/settings.json", "config/settings.json.bak", "dist/app.js"]) {
      const blob = runGit(work, ["show", `main:${p}`]);
      expect(blob, p).toContain("***REMOVED***");
      expect(blob).not.toContain(shapes.live);
      expect(blob).not.toContain(shapes.generic);
    }
    expect(runGit(work, ["show", "origin/gh-pages:assets/app.js"])).toBe('const k="***REMOVED***";console.log(k);\n');
    expect(runGit(work, ["show", "main:docs/keys.md"])).toBe(PRECISION_NEGATIVES);
    // Encoded keys are replaced in their encoding: the Secret still decodes, the JSON still parses.
    const yaml = runGit(work, ["show", "main:k8s/stripe-secret.yaml"]);
    expect(Buffer.from(/STRIPE_SECRET_KEY: (\S+)/.exec(yaml)![1]!, "base64").toString()).toBe("***REMOVED***");
    expect(JSON.parse(runGit(work, ["show", "main:web/keys.json"]))).toEqual({ stripe: "***REMOVED***" });
    expect(runGit(work, ["show", "main:web/pay.html"])).toBe('<a href="https://pay.example/checkout?key%3D***REMOVED***">pay</a>\n<script>const cfg = "{\\n***REMOVED***}";</script>\n');
    const paths = ALL_PATHS(work);
    for (const p of shapes.dotenvPaths) expect(paths).not.toContain(p);
    for (const p of shapes.binaryPaths) expect(paths).toContain(p);
    // The archives cannot be edited in place: the re-scan names what they still hold, and under which rule.
    // Deflated members are opened too: the .aab's key is in no raw byte, and still named.
    expect(r.out).toMatch(/still finds 5 findings:/);
    const esc = (k: string) => redacted(k).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(r.out).toMatch(new RegExp(`stripe-live-secret-key ${esc(shapes.live)} (release/app-release\\.apk|downloads/app\\.apk)`));
    expect(r.out).toMatch(new RegExp(`stripe-live-secret-key ${esc(shapes.live)} backups/site\\.tar\\.gz`));
    expect(r.out).toMatch(new RegExp(`stripe-live-restricted-key ${esc(shapes.archived)} release/app-release\\.aab`));
    expect(r.out).toMatch(/generic-live-secret-key sk_live_…\w{4} libs\/sdk\.jar/);
    expect(r.out).toMatch(/generic-live-secret-key sk_live_…\w{4} libs\/pay\.jar/);
    expect(r.out).toContain("A key marked as not Stripe's is rotated the same way in the dashboard of the provider that issued it.");
  });

  it("with --delete-binary-with-keys, deletes every archive holding a key, and matches git-filter-repo", async () => {
    const work = freshClone(shapes.origin.dir);
    const r = await scrub(work, "--yes", "--delete-binary-with-keys");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Re-scan of every object left in the repository: clean.");
    const text = allObjects(work).toString("latin1");
    for (const k of [shapes.live, shapes.long, shapes.generic]) expect(text).not.toContain(k);
    const paths = ALL_PATHS(work);
    for (const p of [...shapes.dotenvPaths, ...shapes.binaryPaths]) expect(paths).not.toContain(p);

    const oracle = freshClone(shapes.origin.dir);
    const expressions = join(tempDir(), "expressions.txt");
    // filter-repo can express the encoded removals as literal replacements: the base64 of the key, the escaped key.
    const literal = [[b64(shapes.live), b64("***REMOVED***")], [escaped(shapes.long), "***REMOVED***"], ...[shapes.live, shapes.long, shapes.generic].map((k) => [k, "***REMOVED***"])];
    writeFileSync(expressions, literal.map(([k, v]) => `${k}==>${v}`).join("\n") + "\n");
    execFileSync("git", [
      "filter-repo", "--force", "--quiet", "--invert-paths", ...[...shapes.dotenvPaths, ...shapes.binaryPaths].flatMap((p) => ["--path", p]),
      "--replace-text", expressions, "--prune-empty", "never", "--prune-degenerate", "never",
    ], { cwd: oracle, env: GIT_TEST_ENV, stdio: "pipe" });
    const theirs = new Map(readFileSync(join(oracle, ".git/filter-repo/commit-map"), "utf8").trim().split("\n").slice(1).map((l) => l.split(" ") as [string, string]));
    const ours = readFileSync(join(work, ".git/leakguard-scrub/commit-map"), "utf8").trim().split("\n").slice(1).map((l) => l.split(" ") as [string, string]);
    expect(ours.map(([o]) => o).sort()).toEqual([...theirs].filter(([o, n]) => o !== n).map(([o]) => o).sort());
    for (const [old, next] of ours) expect(runGit(work, ["rev-parse", `${next}^{tree}`]).trim(), old).toBe(runGit(oracle, ["rev-parse", `${theirs.get(old)}^{tree}`]).trim());
  });
});
