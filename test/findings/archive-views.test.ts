import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { zipSync } from "fflate";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { scanTree } from "../../src/findings/scan-tree.js";
import { fingerprint } from "../../src/findings/fingerprint.js";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { makeRepo, tempDir } from "../helpers/repo.js";

// Issue 10 item 2: archives committed to a repository (release builds, dumps, backups)
// are opened in memory and their members scanned like files. Archives are made with the
// real zip, gzip and tar binaries.

/** Writes `files` under a fresh directory and runs `cmd` there; returns the bytes of `out`. */
function build(files: Record<string, string | Buffer>, cmd: string[], out: string): Buffer {
  const dir = tempDir("leakguard-archive-");
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  execFileSync(cmd[0]!, cmd.slice(1), { cwd: dir, stdio: "pipe" });
  return readFileSync(join(dir, out));
}
const zip = (files: Record<string, string | Buffer>) => build(files, ["zip", "-qr", "out.zip", ...Object.keys(files)], "out.zip");
const gzip = (name: string, body: string | Buffer) => build({ [name]: body }, ["gzip", "-9", name], `${name}.gz`);
const tarGz = (files: Record<string, string | Buffer>) => build(files, ["tar", "czf", "out.tgz", ...Object.keys(files)], "out.tgz");
const tar = (files: Record<string, string | Buffer>) => build(files, ["tar", "cf", "out.tar", ...Object.keys(files)], "out.tar");

const history = (dir: string) => scanHistory({ engine: createNativeEngine(dir), selection: { all: true } });

describe("archives in history", () => {
  it("finds a key in a deflated member of a committed .apk, named path!member, with the mobile-app vector", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    // Enough text around it that zip deflates the member: the key is not in the raw bytes.
    const dex = Buffer.from("dex\n035\0" + "Lcom/example/Pay;".repeat(400) + `const-string v0, "${key}"\n` + "invoke-virtual".repeat(400));
    const apk = zip({ "AndroidManifest.xml": "<manifest/>", "classes.dex": dex });
    expect(apk.includes(key)).toBe(false);
    const c = repo.commit("release build", { "app/release/app-release.apk": apk });
    const { findings, stats } = await history(repo.dir);
    expect(stats.incomplete).toBe(false);
    expect(findings.map((f) => [f.path, f.member, f.commit, f.vector, f.redacted])).toEqual([["app/release/app-release.apk", "classes.dex", c, "mobile-app", redacted(key)]]);
    expect(findings[0]!.fingerprint).toBe(fingerprint(key));
    expect(JSON.stringify(findings)).not.toContain(key);
  });

  it("opens a jar inside a zip and names the member chain", async () => {
    const repo = makeRepo();
    const key = fakeLongKey("rk");
    const jar = zip({ "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "config/app.properties": `# payments\nstripe.key=${key}\n` });
    const dist = zip({ "lib/payments.jar": jar, "README.txt": "dist\n" });
    repo.commit("dist", { "release/dist.zip": dist });
    const { findings } = await history(repo.dir);
    expect(findings.map((f) => [f.path, f.member, f.line, f.rule])).toEqual([["release/dist.zip", "lib/payments.jar!config/app.properties", 2, "stripe-live-restricted-key"]]);
  });

  it("finds a key in a .sql.gz dump and in a .env inside a .tar.gz backup", async () => {
    const repo = makeRepo();
    const k1 = fakeKey();
    const k2 = fakeKey();
    const dump = gzip("dump.sql", "INSERT INTO settings VALUES ('a', 'b');\n".repeat(50) + `INSERT INTO settings VALUES ('stripe', '${k1}');\n`);
    const backup = tarGz({ "srv/app/.env": `APP_ENV=prod\nSTRIPE_SECRET_KEY=${k2}\n`, "srv/app/index.js": "require('x');\n" });
    repo.commit("backups", { "backups/dump.sql.gz": dump, "backups/site.tar.gz": backup });
    const { findings, stats } = await history(repo.dir);
    expect(stats.incomplete).toBe(false);
    expect(findings.map((f) => [f.path, f.member, f.rule, f.line])).toEqual([
      ["backups/dump.sql.gz", "dump.sql", "stripe-live-secret-key", 51],
      ["backups/site.tar.gz", "site.tar!srv/app/.env", "dotenv-file", 1],
      ["backups/site.tar.gz", "site.tar!srv/app/.env", "stripe-live-secret-key", 2],
    ]);
    expect(findings.find((f) => f.rule === "stripe-live-secret-key" && f.member?.endsWith(".env"))!.vector).toBe("dotenv");
  });

  it("in a push or range scan, opens any blob with a zip signature, whatever its name, and reports a plain tar's key once, as its member", async () => {
    const repo = makeRepo();
    const k1 = fakeKey();
    const k2 = fakeKey();
    const base = repo.commit("init", { "README.md": "x\n" });
    const c = repo.commit("blobs", {
      "assets/data.bin": zip({ "inner/settings.json": `{"stripe": "${k1}", "pad": "${"y".repeat(300)}"}\n` }),
      "snap/state.tar": tar({ "state/config.yml": `stripe_key: ${k2}\n` }),
    });
    // A range reads every blob it names and tests its first bytes (a full-history scan: below).
    const { findings } = await scanHistory({ engine: createNativeEngine(repo.dir), selection: { include: [c], exclude: [base] } });
    expect(findings.map((f) => [f.path, f.member])).toEqual([
      ["assets/data.bin", "inner/settings.json"],
      ["snap/state.tar", "state/config.yml"],
    ]);
  });

  it("in a full-history scan, opens an archive by what it is, not by its name (an .apk renamed .bin, a .tar.gz with no extension), loose or packed", async () => {
    const repo = makeRepo();
    const [k1, k2] = [fakeKey(), fakeKey("rk")];
    // What a release build is: mostly compressed data, so zlib cannot shrink the blob.
    const apk = zip({ "classes.dex": randomBytes(8192), "assets/config.json": `${"{\"pad\": 1}\n".repeat(100)}{"stripe": "${k1}"}\n` });
    const backup = tarGz({ "srv/app/.env": `STRIPE_SECRET_KEY=${k2}\n`, "srv/app/blob.dat": randomBytes(8192) });
    for (const [bytes, key] of [[apk, k1], [backup, k2]] as const) expect(bytes.includes(key)).toBe(false);
    repo.commit("artifacts", { "release/app-release.bin": apk, "backups/nightly": backup, "README.md": "x\n" });
    const expected = [
      ["backups/nightly", "nightly!srv/app/.env", "dotenv-file"],
      ["backups/nightly", "nightly!srv/app/.env", "stripe-live-restricted-key"],
      ["release/app-release.bin", "assets/config.json", "stripe-live-secret-key"],
    ];
    const loose = await history(repo.dir);
    expect(loose.stats.incomplete).toBe(false);
    expect(loose.findings.map((f) => [f.path, f.member, f.rule])).toEqual(expected);
    repo.git("gc", "-q");
    const packed = await history(repo.dir);
    expect(packed.findings.map((f) => [f.path, f.member, f.rule])).toEqual(expected);
  });

  it("in a full-history scan, also opens the next build of an archive, stored as a delta of the first", async () => {
    const repo = makeRepo();
    const [k1, k2] = [fakeKey(), fakeKey()];
    const dex = randomBytes(64 * 1024); // the same compressed bulk in both builds: git stores one as a delta
    const build = (key: string) => zip({ "classes.dex": dex, "assets/config.json": `${"{\"pad\": 1}\n".repeat(100)}{"stripe": "${key}"}\n` });
    repo.commit("build 1", { "release/app.bin": build(k1) });
    repo.commit("build 2", { "release/app.bin": build(k2) });
    repo.git("gc", "-q", "--aggressive");
    const deltas = repo.git("cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize) %(deltabase)").split("\n").filter((l) => l.startsWith("blob ") && Number(l.split(" ")[1]) > 60_000 && !/ 0+$/.test(l));
    expect(deltas).toHaveLength(1);
    const { findings, stats } = await history(repo.dir);
    expect(stats.incomplete).toBe(false);
    expect(new Set(findings.map((f) => f.redacted))).toEqual(new Set([redacted(k1), redacted(k2)]));
  });

  it("keeps negatives negative: a zip holding only a placeholder, a gzip of a clean file", async () => {
    const repo = makeRepo();
    repo.commit("fixtures", {
      "fixtures/sample.zip": zip({ "config.js": `const key = "sk_live_" + "YourSecretKeyGoesHere1234";\nconst k = "${"sk_" + "live_YourSecretKeyGoesHere1234"}";\n` }),
      "fixtures/clean.txt.gz": gzip("clean.txt", "nothing to see here\n".repeat(100)),
    });
    const { findings, stats } = await history(repo.dir);
    expect(findings).toEqual([]);
    expect(stats.incomplete).toBe(false);
  });

  it("reports a decompression bomb as not fully scanned, with its path, instead of expanding it", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    // 300 MB of zeros gzip to about 300 KB: the ratio limit stops it long before the end.
    const bomb = build({}, ["sh", "-c", "head -c 314572800 /dev/zero | gzip -9 > zeros.gz"], "zeros.gz");
    repo.commit("bomb", { "uploads/zeros.img.gz": bomb, "src/pay.js": `k = "${key}";\n` });
    const { findings, stats, unread } = await history(repo.dir);
    expect(findings.map((f) => f.path)).toEqual(["src/pay.js"]);
    expect(stats.incomplete).toBe(true);
    expect(stats.unreadObjects).toHaveLength(1);
    expect(unread).toEqual([{ path: "uploads/zeros.img.gz", reason: expect.stringMatching(/^not fully scanned: .*(?:200 times|expands past)/) }]);
  }, 60_000);

  it("opens archives nested four levels deep, and names a fifth level as not fully scanned", async () => {
    const key = fakeKey();
    const nest = (levels: number) => {
      let bytes: Buffer = Buffer.from(`stripe.key=${key}\n`);
      let name = "app.properties";
      for (let i = levels; i >= 1; i--) {
        bytes = Buffer.from(zipSync({ [name]: new Uint8Array(bytes) }));
        name = `level${i}.zip`;
      }
      return bytes;
    };
    const four = makeRepo();
    four.commit("nested", { "dist/bundle.zip": nest(4) });
    const ok = await history(four.dir);
    expect(ok.stats.incomplete).toBe(false);
    expect(ok.findings.map((f) => f.member)).toEqual(["level2.zip!level3.zip!level4.zip!app.properties"]);
    const five = makeRepo();
    five.commit("nested deeper", { "dist/bundle.zip": nest(5) });
    const deep = await history(five.dir);
    expect(deep.findings).toEqual([]);
    expect(deep.stats.incomplete).toBe(true);
    expect(deep.unread).toEqual([{ path: "dist/bundle.zip", reason: "not fully scanned: archives nested more than 4 deep" }]);
  });

  it("names an archive of more than 100,000 members as not fully scanned", async () => {
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i <= 100_000; i++) entries[`m/${i}.txt`] = new Uint8Array(0);
    const repo = makeRepo();
    repo.commit("many", { "dist/many.zip": Buffer.from(zipSync(entries, { level: 0 })) });
    const { stats, unread } = await history(repo.dir);
    expect(stats.incomplete).toBe(true);
    expect(unread).toEqual([{ path: "dist/many.zip", reason: "not fully scanned: more than 100000 members" }]);
  }, 60_000);

  it("gives a member of an .ipa the mobile-app vector, and a member of a .whl its own", async () => {
    const repo = makeRepo();
    const [k1, k2] = [fakeKey(), fakeKey()];
    repo.commit("builds", {
      "ios/build/Shop.ipa": zip({ "Payload/Shop.app/config.plist": `<string>${k1}</string>\n` }),
      "dist/shop-1.0-py3-none-any.whl": zip({ "shop/settings.py": `STRIPE_KEY = "${k2}"\n` }),
    });
    const { findings } = await history(repo.dir);
    expect(findings.map((f) => [f.path, f.member, f.vector])).toEqual([
      ["dist/shop-1.0-py3-none-any.whl", "shop/settings.py", "source"],
      ["ios/build/Shop.ipa", "Payload/Shop.app/config.plist", "mobile-app"],
    ]);
  });

  it("a member hidden by a damaged archive makes the result incomplete, not clean", async () => {
    const repo = makeRepo();
    const real = zipSync({ "a.txt": new Uint8Array(Buffer.from("hello ".repeat(1000))) });
    const broken = Buffer.from(real.subarray(0, 60)); // a local header, then a cut deflate stream
    repo.commit("broken", { "dist/broken.zip": broken });
    const { stats, unread } = await history(repo.dir);
    expect(stats.incomplete).toBe(true);
    expect(unread?.[0]?.path).toBe("dist/broken.zip");
  });
});

describe("archives in a working tree", () => {
  it("finds a key in a .jar on disk, named by its member", async () => {
    const dir = tempDir("leakguard-tree-");
    const key = fakeKey();
    writeFileSync(join(dir, "payments.jar"), zip({ "com/example/Config.class": Buffer.concat([Buffer.from([0xca, 0xfe, 0xba, 0xbe]), Buffer.from(`\u0001\u0000\u0020${key}`), Buffer.alloc(2000, 7)]) }));
    const { findings } = await scanTree({ root: dir, env: { ...process.env, PATH: "" } });
    expect(findings.map((f) => [f.path, f.member, f.redacted])).toEqual([["payments.jar", "com/example/Config.class", redacted(key)]]);
  });
});
