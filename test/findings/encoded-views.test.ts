import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createNativeEngine } from "../../src/git/native/engine.js";
import { scanHistory } from "../../src/findings/scan-history.js";
import { fingerprint } from "../../src/findings/fingerprint.js";
import { formatText } from "../../src/report/text.js";
import { fakeKey, fakeLongKey, redacted } from "../helpers/keys.js";
import { makeRepo } from "../helpers/repo.js";

// Issue 10 item 3: keys written in base64 or behind escapes are decoded and reported where
// the encoded form sits, with how it was encoded and the key's own fingerprint.

const b64 = (s: string) => Buffer.from(s).toString("base64");
const history = (dir: string) => scanHistory({ engine: createNativeEngine(dir), selection: { all: true } });

describe("base64", () => {
  it("finds a key in a Kubernetes Secret's data, at the value's line, with the key's own fingerprint", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const secret = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: payments", "type: Opaque", "data:", `  PUBLISHABLE: ${b64("pk_live_" + "aZ9" + "q".repeat(21))}`, `  STRIPE_SECRET_KEY: ${b64(key)}`, ""].join("\n");
    repo.commit("k8s", { "deploy/k8s/secret.yaml": secret, "src/pay.js": `k = "${key}";\n` });
    const { findings } = await history(repo.dir);
    expect(findings.map((f) => [f.path, f.line, f.column, f.encoding, f.redacted])).toEqual([
      ["deploy/k8s/secret.yaml", 8, 22, "base64", redacted(key)],
      ["src/pay.js", 1, 6, undefined, redacted(key)],
    ]);
    expect(findings[0]!.fingerprint).toBe(fingerprint(key));
    expect(findings[1]!.fingerprint).toBe(findings[0]!.fingerprint);
  });

  it("finds keys anywhere inside a whole .env stored as one base64 value, at every alignment", async () => {
    const repo = makeRepo();
    const keys = [fakeKey(), fakeKey("rk"), fakeLongKey()];
    // A filler line before each key puts it at byte offset 0, 1 and 2 mod 3 of the stream.
    let env = "";
    keys.forEach((k, i) => {
      let fill = "A=1\n";
      while ((env.length + fill.length + "STRIPE_KEY=".length) % 3 !== i) fill = "A" + fill;
      env += `${fill}STRIPE_KEY=${k}\n`;
    });
    repo.commit("helm", { "charts/pay/values.yaml": `env:\n  dotenv: "${b64(env)}"\n` });
    const { findings } = await history(repo.dir);
    expect(findings.map((f) => [f.line, f.encoding, f.redacted]).sort()).toEqual(keys.map((k) => [2, "base64", redacted(k)]).sort());
    expect(new Set(findings.map((f) => f.fingerprint))).toEqual(new Set(keys.map(fingerprint)));
    expect(new Set(keys.map((k) => (env.indexOf(k) % 3)))).toEqual(new Set([0, 1, 2]));
  });

  it("finds a key in an HTTP Basic header of a .har file and in the wrapped output of the base64 tool", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    const long = fakeLongKey();
    const har = JSON.stringify({ log: { entries: [{ request: { headers: [{ name: "Authorization", value: `Basic ${b64(key + ":")}` }] } }] } }, null, 2);
    const wrapped = execFileSync("base64", { input: `# prod\nNOTE=${"n".repeat(50)}\nSTRIPE_SECRET_KEY=${long}\n` }).toString();
    expect(wrapped.split("\n").length).toBeGreaterThan(2);
    repo.commit("captures", { "captures/checkout.har": har, "secrets/env.b64": wrapped });
    const { findings } = await history(repo.dir);
    expect(findings.map((f) => [f.path, f.encoding, f.fingerprint])).toEqual([
      ["captures/checkout.har", "base64", fingerprint(key)],
      ["secrets/env.b64", "base64", fingerprint(long)],
    ]);
  });

  it("keeps a base64 placeholder and a base64 publishable key negative", async () => {
    const repo = makeRepo();
    repo.commit("examples", {
      "k8s/example-secret.yaml": `data:\n  STRIPE_SECRET_KEY: ${b64("sk_" + "live_YourSecretKeyGoesHere1234")}\n  STRIPE_PK: ${b64("pk_live_" + "aZ9" + "Qw3".repeat(8))}\n`,
    });
    const { findings } = await history(repo.dir);
    expect(findings).toEqual([]);
  });
});

describe("escapes", () => {
  it("decodes JSON \\u005f, JavaScript \\x5f and percent-encoding where the prefix is escaped", async () => {
    const repo = makeRepo();
    const [k1, k2, k3] = [fakeKey(), fakeKey("rk"), fakeKey()];
    const esc = (k: string, e: string) => k.replace(/_/g, e);
    repo.commit("escaped", {
      "public/config.json": `{"note": "x",\n "stripe": "${esc(k1, "\\u005f")}"}\n`,
      "web/bundle.js": `var a=1;var k='${esc(k2, "\\x5f")}';\n`,
      "logs/access.log": `GET /hook?key=${esc(k3, "%5F")} 200\n`,
    });
    const { findings } = await history(repo.dir);
    expect(findings.map((f) => [f.path, f.line, f.column, f.encoding, f.fingerprint])).toEqual([
      ["logs/access.log", 1, 15, "percent", fingerprint(k3)],
      ["public/config.json", 2, 13, "json-escape", fingerprint(k1)],
      ["web/bundle.js", 1, 16, "json-escape", fingerprint(k2)],
    ]);
  });

  it("reports a plain key beside escapes once, as plain", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("mixed", { "data.json": `{"a\\u005fb": 1, "k": "${key}"}\n` });
    const { findings } = await history(repo.dir);
    expect(findings.map((f) => [f.encoding, f.redacted])).toEqual([[undefined, redacted(key)]]);
  });

  it("shows the encoding in the text report", async () => {
    const repo = makeRepo();
    const key = fakeKey();
    repo.commit("k8s", { "secret.yaml": `data:\n  K: ${b64(key)}\n` });
    const result = await history(repo.dir);
    const text = formatText(result, { color: false, mode: "history", target: "repo" } as never);
    expect(text).toContain("encoded as base64");
    expect(text).not.toContain(key);
  });
});
