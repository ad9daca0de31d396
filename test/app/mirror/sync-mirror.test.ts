import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strToU8, zipSync } from "fflate";
import { GitError, LeakguardError } from "../../../src/errors.js";
import { fingerprint } from "../../../src/findings/fingerprint.js";
import { mirrorDir, syncMirror } from "../../../src/app/mirror/sync-mirror.js";
import { isPathIgnored } from "../../../src/app/mirror/path-ignored.js";
import { scanTip } from "../../../src/findings/scan-tip.js";
import type { GitHttpServer } from "../../helpers/git-http-server.js";
import { startGitHttpServer } from "../../helpers/git-http-server.js";
import type { TokenGate } from "../../helpers/token-gate.js";
import { startTokenGate } from "../../helpers/token-gate.js";
import { fakeKey, redacted } from "../../helpers/keys.js";
import { makeRepo, runGit, tempDir } from "../../helpers/repo.js";

const TOKEN = "ghs_" + "t".repeat(36);
const basic = (t: string) => `Basic ${Buffer.from(`x-access-token:${t}`).toString("base64")}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe("syncMirror", () => {
  const root = tempDir("leakguard-served-");
  let backend: GitHttpServer;
  let server: TokenGate;
  beforeAll(async () => {
    backend = await startGitHttpServer({ root });
    server = await startTokenGate({ target: backend.url, authorize: (h) => h === basic(TOKEN) });
  });
  afterAll(async () => {
    await server.close();
    await backend.close();
  });

  function servedRepo(name: string) {
    const work = makeRepo();
    work.commit("init", { "README.md": "hi\n" });
    runGit(root, ["clone", "-q", "--bare", work.dir, `${name}.git`]);
    const push = () => runGit(work.dir, ["push", "-q", "--force", "--all", join(root, `${name}.git`)]);
    return { work, push, url: `${server.url}/${name}.git` };
  }

  it("fetches over smart HTTP with the token in a header, and keeps it out of every file", async () => {
    const { work, push, url } = servedRepo("acme-one");
    const dataDir = tempDir();
    const first = await syncMirror({ dataDir, fullName: "acme/one", cloneUrl: url, token: TOKEN });
    expect(first.created).toBe(true);
    expect(first.refsBefore.size).toBe(0);
    expect(first.refsAfter.get("refs/heads/main")).toBe(work.head());
    expect(server.requests.at(-1)?.authorization).toBe(basic(TOKEN));

    const before = work.head();
    work.commit("two", { "a.txt": "a\n" });
    push();
    const second = await syncMirror({ dataDir, fullName: "acme/one", cloneUrl: url, token: TOKEN });
    expect(second.created).toBe(false);
    expect(second.refsBefore.get("refs/heads/main")).toBe(before);
    expect(second.refsAfter.get("refs/heads/main")).toBe(work.head());

    for (const f of filesUnder(dataDir)) {
      const text = readFileSync(f).toString("latin1");
      expect(text, f).not.toContain(TOKEN);
      expect(text, f).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString("base64"));
    }
  });

  it("fails with a GitError, not a hang or a prompt, when the token is refused", async () => {
    const { url } = servedRepo("acme-two");
    await expect(syncMirror({ dataDir: tempDir(), fullName: "acme/two", cloneUrl: url, token: "ghs_wrong" })).rejects.toBeInstanceOf(GitError);
  });

  it("refuses names that would leave the data dir", () => {
    expect(() => mirrorDir("/data", "../etc")).toThrow(/not a repository name/);
    expect(() => mirrorDir("/data", "acme/..")).toThrow(/not a repository name/);
    expect(mirrorDir("/data", "acme/web.site")).toBe("/data/mirrors/acme/web.site.git");
  });
});

describe("what the re-check asks of a mirror", () => {
  it("scanTip sees the files at a commit, not the history", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("leak", { "config.js": `k = "${key}"\n` });
    const fixed = repo.commit("fix", { "config.js": "k = process.env.K\n", "lib/.env": `K=${fakeKey("rk")}\n` });
    const findings = await scanTip(repo.dir, fixed);
    expect(findings.map((f) => [f.rule, f.path])).toEqual([
      ["dotenv-file", "lib/.env"],
      ["stripe-live-restricted-key", "lib/.env"],
    ]);
    expect(JSON.stringify(findings)).not.toContain(key);
    expect(findings.some((f) => f.redacted === redacted(key))).toBe(false);
  });

  it("scanTip finds the shapes the CLI finds: a key in a deflated .jar member, in base64, in a file name", async () => {
    const repo = makeRepo();
    const [inJar, inSecret, inName, gone] = [fakeKey(), fakeKey("rk"), fakeKey(), fakeKey()];
    const jar = Buffer.from(zipSync({ "META-INF/MANIFEST.MF": strToU8("Manifest-Version: 1.0\n"), "config/app.properties": strToU8("# pay\n".repeat(200) + `stripe.key=${inJar}\n`) }, { level: 9 }));
    expect(jar.includes(inJar)).toBe(false);
    repo.commit("old", { "old.js": `k = "${gone}"\n` });
    const tip = repo.commit("release", {
      "old.js": null,
      "libs/payments.jar": jar,
      "k8s/secret.yaml": `kind: Secret\ndata:\n  STRIPE_SECRET_KEY: ${Buffer.from(inSecret).toString("base64")}\n`,
      [`notes/${inName}.txt`]: "rotate me\n",
    });
    const findings = await scanTip(repo.dir, tip);
    const byKey = new Map(findings.map((f) => [f.fingerprint, f]));
    expect(byKey.get(fingerprint(inJar))).toMatchObject({ path: "libs/payments.jar", member: "config/app.properties", redacted: redacted(inJar) });
    expect(byKey.get(fingerprint(inSecret))).toMatchObject({ path: "k8s/secret.yaml", encoding: "base64" });
    expect(byKey.get(fingerprint(inName))?.source).toBe("path");
    expect(byKey.has(fingerprint(gone))).toBe(false); // history only, not the tip
    expect(JSON.stringify(findings)).not.toContain(inJar);
  });

  it("scanTip never answers 'not in the tip' for a tip it could not read whole (a damaged archive)", async () => {
    const repo = makeRepo();
    const jar = Buffer.from(zipSync({ "a.properties": strToU8("x=1\n".repeat(500) + `k=${fakeKey()}\n`) }, { level: 9 }));
    // Cut inside the deflated member: what follows the cut cannot be read.
    const tip = repo.commit("broken build", { "libs/broken.jar": jar.subarray(0, Math.floor(jar.length / 2)) });
    await expect(scanTip(repo.dir, tip)).rejects.toThrow(/could not be fully scanned.*libs\/broken\.jar/);
    await expect(scanTip(repo.dir, tip)).rejects.toBeInstanceOf(LeakguardError);
  });

  it("isPathIgnored applies the .gitignore files of that commit, nested ones included", async () => {
    const repo = makeRepo();
    const c1 = repo.commit("one", { "app/.env.production": "X=1\n" });
    expect(await isPathIgnored(repo.dir, c1, "app/.env.production")).toBe(false);
    const c2 = repo.commit("ignore", { "app/.env.production": null, "app/.gitignore": ".env*\n!.env.example\n" });
    expect(await isPathIgnored(repo.dir, c2, "app/.env.production")).toBe(true);
    expect(await isPathIgnored(repo.dir, c2, "app/.env.example")).toBe(false);
    const c3 = repo.commit("root ignore", { ".gitignore": ".env\n" });
    expect(await isPathIgnored(repo.dir, c3, ".env")).toBe(true);
  });
});
