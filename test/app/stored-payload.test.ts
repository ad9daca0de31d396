import { describe, expect, it } from "vitest";
import { storedPayload } from "../../src/app/handlers/payloads.js";
import { redactDeep } from "../../src/app/redact-deep.js";
import { fakeKey, redacted } from "../helpers/keys.js";
import { makeWebhook } from "../helpers/webhook.js";

describe("storedPayload", () => {
  it("keeps only the fields the push job reads", () => {
    const hook = makeWebhook("push", { repo: { owner: "acme", name: "shop" }, installationId: 7, ref: "refs/heads/main", before: "a".repeat(40), after: "b".repeat(40) });
    const stored = JSON.parse(storedPayload("push", hook.payload)) as Record<string, Record<string, unknown>>;
    expect(Object.keys(stored).sort()).toEqual(["after", "before", "deleted", "installation", "pusher", "ref", "repository", "sender"]);
    expect(Object.keys(stored["repository"]!).sort()).toEqual(["clone_url", "default_branch", "full_name", "html_url", "master_branch", "name", "owner", "private"]);
    expect(stored["installation"]).toEqual({ id: 7 });
  });

  it("redacts keys glued to a letter (a literal \\n), after a newline or a tab, in values and property names", () => {
    const [a, b, c, d] = [fakeKey(), fakeKey("rk"), fakeKey(), fakeKey()];
    // Malformed (no installation): kept fields are still redacted string by string.
    const text = storedPayload("push", { ref: `x\\n${a}`, before: `\n${b}`, after: `\t${c}`, repository: { [d]: "name" } });
    for (const k of [a, b, c, d]) expect(text).not.toContain(k);
    expect(text).toContain(redacted(a));
    expect(JSON.stringify(redactDeep({ deep: [[{ deeper: [{ k: `message\\n${a}` }] }]] }))).not.toContain(a);
  });

  it("stores nothing of an event it does not handle", () => {
    expect(storedPayload("issues", { body: fakeKey() })).toBe("{}");
  });
});
