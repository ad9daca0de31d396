import { describe, expect, it } from "vitest";
import { detachedHead, isZeroOid, listRefOids, listRefsAndHead, parseRefOids, ZERO_OID } from "../../src/git/refs.js";
import { GIT_TEST_ENV, makeRepo } from "../helpers/repo.js";

describe("the zero id", () => {
  it("is forty zeros, and both hash lengths of zeros count as it", () => {
    expect(ZERO_OID).toBe("0".repeat(40));
    expect(isZeroOid(ZERO_OID)).toBe(true);
    expect(isZeroOid("0".repeat(64))).toBe(true);
  });

  it("is not any other run of zeros, nor an id that merely starts with them", () => {
    expect(isZeroOid("0")).toBe(false);
    expect(isZeroOid("0".repeat(39))).toBe(false);
    expect(isZeroOid("0".repeat(41))).toBe(false);
    expect(isZeroOid("0".repeat(39) + "1")).toBe(false);
    expect(isZeroOid("")).toBe(false);
  });
});

describe("parseRefOids", () => {
  it("maps each ref to its id and skips blank or fieldless lines", () => {
    const a = "a".repeat(40);
    const b = "b".repeat(40);
    expect(parseRefOids(`${a} refs/heads/main\n\n${b} refs/tags/v1\n${a}\n`)).toEqual(
      new Map([
        ["refs/heads/main", a],
        ["refs/tags/v1", b],
      ]),
    );
  });
});

describe("listRefOids on a real repository", () => {
  const repo = makeRepo();
  const first = repo.commit("first", { "a.txt": "a\n" });
  repo.git("tag", "-a", "-m", "release", "v1");
  repo.git("branch", "old");
  const second = repo.commit("second", { "b.txt": "b\n" });
  const opts = { cwd: repo.dir, env: GIT_TEST_ENV };

  it("lists every ref, unpeeled: an annotated tag gives the tag object", async () => {
    const refs = await listRefOids(opts);
    expect([...refs.keys()]).toEqual(["refs/heads/main", "refs/heads/old", "refs/tags/v1"]);
    expect(refs.get("refs/heads/main")).toBe(second);
    expect(refs.get("refs/heads/old")).toBe(first);
    expect(refs.get("refs/tags/v1")).toBe(repo.git("rev-parse", "v1").trim());
    expect(refs.get("refs/tags/v1")).not.toBe(first);
  });

  it("narrows as for-each-ref does", async () => {
    expect([...(await listRefOids(opts, ["refs/heads/"])).keys()]).toEqual(["refs/heads/main", "refs/heads/old"]);
    expect([...(await listRefOids(opts, ["--contains", second])).keys()]).toEqual(["refs/heads/main"]);
  });

  it("adds HEAD only while it is detached", async () => {
    expect(await detachedHead(opts)).toBeNull();
    expect((await listRefsAndHead(opts)).has("HEAD")).toBe(false);
    repo.git("checkout", "-q", "--detach", first);
    try {
      expect(await detachedHead(opts)).toBe(first);
      expect((await listRefsAndHead(opts)).get("HEAD")).toBe(first);
    } finally {
      repo.git("checkout", "-q", "main");
    }
  });

  it("has no detached HEAD in a repository with no commit yet", async () => {
    const empty = makeRepo();
    expect(await detachedHead({ cwd: empty.dir, env: GIT_TEST_ENV })).toBeNull();
    expect((await listRefsAndHead({ cwd: empty.dir, env: GIT_TEST_ENV })).size).toBe(0);
  });
});
