import { describe, expect, it } from "vitest";
import { trustedCloneUrl } from "../../../src/app/github/trusted-clone-url.js";
import { tokenEnv } from "../../../src/app/mirror/token-env.js";
import { UsageError } from "../../../src/errors.js";

describe("trustedCloneUrl", () => {
  it.each([
    ["https://github.com/acme/shop.git", "https://api.github.com"],
    ["https://ghe.example.com/acme/shop.git", "https://ghe.example.com/api/v3"],
    ["https://acme.ghe.com/acme/shop.git", "https://api.acme.ghe.com"],
    ["http://127.0.0.1:4321/acme/shop.git", "http://127.0.0.1:1234"],
  ])("lets the token go to %s for the API at %s", (url, api) => {
    expect(trustedCloneUrl(url, api)).toBe(url);
  });

  it.each([
    ["http://github.com/acme/shop.git", "https://api.github.com", /only https carries the installation token/],
    ["https://github.com.evil.example/acme/shop.git", "https://api.github.com", /serves git from https:\/\/github.com/],
    ["https://evil.example/acme/shop.git", "https://api.github.com", /serves git from/],
    ["https://github.com:8443/acme/shop.git", "https://api.github.com", /serves git from/],
    // GHES serves the API under /api/v3 of its own host: the parent domain is someone else.
    ["https://example.com/acme/shop.git", "https://api.example.com/api/v3", /serves git from https:\/\/api.example.com/],
    ["https://x-access-token:t@github.com/acme/shop.git", "https://api.github.com", /credentials/],
    ["https://github.com/acme/shop.git?u=1", "https://api.github.com", /query/],
    ["http://localhost:4321/acme/shop.git", "http://127.0.0.1:1234", /configured GitHub is 127.0.0.1:1234/],
    ["file:///etc/passwd", "http://127.0.0.1:1234", /not http/],
    ["ext::sh -c id", "https://api.github.com", /not a URL|only https/],
  ])("refuses %s for the API at %s", (url, api, why) => {
    let err: unknown;
    try {
      trustedCloneUrl(url, api);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).not.toContain("x-access-token:t");
  });
});

describe("tokenEnv", () => {
  it("scopes the header to the clone URL's origin and turns redirects off", () => {
    const env = tokenEnv("ghs_abc", "https://github.com/acme/shop.git");
    expect(env).toMatchObject({
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: "http.https://github.com/.extraHeader",
      GIT_CONFIG_KEY_1: "http.followRedirects",
      GIT_CONFIG_VALUE_1: "false",
      GIT_ALLOW_PROTOCOL: "https",
    });
    expect(Object.values(env)).not.toContain("http.extraHeader");
  });

  it.each(["http://github.com/acme/shop.git", "ftp://github.com/acme/shop.git", "file:///srv/acme/shop.git"])("never builds a token environment for %s", (url) => {
    expect(() => tokenEnv("ghs_abc", url)).toThrow(UsageError);
  });
});
