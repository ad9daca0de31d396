import { describe, expect, it } from "vitest";
import { code, href, person, plain, repoName, text } from "../../../src/app/incidents/markdown.js";
import { activeMarkdown, outsideCodeSpans } from "./markdown-inert.js";

// The file name from issue 9, and others that try each way out of a code span or a text run.
const PHISH = "x` [Rotate here](https://evil.example/phish) @acme/everyone `.js";
const ATTACKS = [
  PHISH,
  "``` [a](https://evil.example) ```",
  "`",
  "a`` b ``` c",
  "![x](https://evil.example/pixel.png)",
  "<img src=x onerror=alert(1)>",
  "<https://evil.example>",
  "www.evil.example/phish",
  "see https://evil.example now",
  "ping @acme/everyone and @octocat",
  "mail ada@evil.example",
  "line one\n# Heading\n[x]: https://evil.example",
  "tab\there\u202eevil",
  "&lt;script&gt; &#64;acme",
  "*bold* _em_ ~~del~~ #1 acme/shop#1",
];

describe("code()", () => {
  it("picks a fence longer than any backtick run, so nothing inside can close it", () => {
    expect(code("src/pay.js")).toBe("`src/pay.js`");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("a``b```c")).toBe("````a``b```c````");
    // A span that starts or ends with a backtick is padded with one space (which GFM strips).
    expect(code("`x")).toBe("`` `x ``");
    expect(code("")).toBe("` `");
  });

  it("never lets a line break start a new block", () => {
    expect(code("a\n# b\r\nc")).toBe("`a\\n# b\\r\\nc`");
    expect(code("x\u202ey")).toBe("`x\\u202ey`");
  });

  for (const attack of ATTACKS) {
    it(`leaves nothing active in ${JSON.stringify(attack)}`, () => {
      const md = `before ${code(attack)} after`;
      expect(activeMarkdown(md)).toEqual([]);
      expect(outsideCodeSpans(md)).toBe("before   after");
    });
  }
});

describe("text()", () => {
  for (const attack of ATTACKS) {
    it(`escapes ${JSON.stringify(attack)} into inert text`, () => {
      const md = text(attack);
      expect(activeMarkdown(md)).toEqual([]);
      expect(md).not.toMatch(/\n/);
      // Every ASCII punctuation character is backslash-escaped.
      expect(md.replace(/\\[!-/:-@[-`{-~]|&#8203;/g, "")).not.toMatch(/[!-/:-@[-`{-~]/);
    });
  }

  it("breaks mentions, references and autolinks with a zero-width space", () => {
    expect(text("@acme/everyone")).toBe("\\@&#8203;acme\\/everyone");
    expect(text("https://x")).toBe("https\\:&#8203;\\/\\/x");
    expect(text("#12")).toBe("\\#&#8203;12");
  });
});

describe("href()", () => {
  it("percent-encodes every path segment completely", () => {
    expect(href("https://github.com/acme/shop", ["blob", "c0ffee", ...PHISH.split("/")], "L3")).toBe(
      "https://github.com/acme/shop/blob/c0ffee/x%60%20%5BRotate%20here%5D%28https%3A//evil.example/phish%29%20%40acme/everyone%20%60.js#L3",
    );
    expect(href("https://github.com/acme/shop", ["blob", "c", "a#b?c(d)"])).toBe("https://github.com/acme/shop/blob/c/a%23b%3Fc%28d%29");
  });

  it("refuses a base that is not a plain http(s) URL", () => {
    expect(href("javascript:alert(1)", ["x"])).toBeNull();
    expect(href("not a url")).toBeNull();
    expect(href("https://user:pw@github.com/a")).toBeNull();
    expect(href("https://github.com/a?x=1")).toBeNull();
  });
});

describe("names", () => {
  it("shows GitHub's own names as they are, and quotes anything else", () => {
    expect(repoName("acme/shop.web")).toBe("acme/shop.web");
    expect(repoName("acme/[x](https://evil.example)")).toBe("`acme/[x](https://evil.example)`");
    expect(person("@ada-dev")).toBe("@ada-dev");
    expect(person("@acme/everyone")).toBe("\\@&#8203;acme\\/everyone");
    expect(person("dependabot[bot]")).toBe("dependabot\\[bot\\]");
    expect(activeMarkdown(person("Ada [x](https://evil.example) @acme/everyone"))).toEqual([]);
  });

  it("keeps plain text to one visible line", () => {
    expect(plain("a\nb")).toBe("a\\nb");
    expect(plain("x".repeat(300))).toHaveLength(200);
  });
});
