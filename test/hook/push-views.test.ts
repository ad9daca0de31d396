import { zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { createPushFixture } from "./push-fixture.js";

// Issue 10: the hook blocks the new shapes like any other: a key inside a release build,
// a key in base64, a key at a new path of a blob the remote already holds.

let fx: ReturnType<typeof createPushFixture>;
beforeAll(() => {
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => null });
});

describe("pre-receive hook and the views of a blob", () => {
  it("rejects a push of an .apk whose deflated member holds a key, naming the member", async () => {
    const remote = await fx.makeRemote();
    const repo = fx.cloneOf(remote);
    repo.commit("init", { "README.md": "x\n" });
    expect(fx.push(repo, ["origin", "main"]).status).toBe(0);
    const key = fakeKey();
    const apk = Buffer.from(zipSync({ "classes.dex": new Uint8Array(Buffer.from("Lcom/pay;".repeat(300) + `"${key}"` + "V".repeat(300))) }, { level: 9 }));
    expect(apk.includes(key)).toBe(false);
    const leak = repo.commit("release", { "app/app-release.apk": apk });
    const r = fx.push(repo, ["origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(redacted(key));
    expect(r.output).toContain("classes.dex");
    expect(r.output).not.toContain(key);
    expect(remote.has(leak)).toBe(false);
  });

  it("rejects a push of a Kubernetes Secret holding a key in base64", async () => {
    const remote = await fx.makeRemote();
    const repo = fx.cloneOf(remote);
    const key = fakeKey();
    repo.commit("secret", { "k8s/secret.yaml": `kind: Secret\ndata:\n  STRIPE_SECRET_KEY: ${Buffer.from(key).toString("base64")}\n` });
    const r = fx.push(repo, ["origin", "main"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(redacted(key));
  });
});
