import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { GitError } from "../../../src/errors.js";
import { classifyGitFailure } from "../../../src/app/mirror/classify-git-failure.js";
import { syncMirror } from "../../../src/app/mirror/sync-mirror.js";
import { tempDir } from "../../helpers/repo.js";

// Real git fetches that fail, and what the app makes of each: a dropped connection is
// passing (the delivery is retried), a refused token is for the fresh-token retry, a
// missing repository is permanent.

async function fetchFailure(cloneUrl: string): Promise<unknown> {
  return syncMirror({ dataDir: tempDir("leakguard-classify-"), fullName: "acme/shop", cloneUrl, token: "t" }).then(
    () => new Error("the fetch succeeded"),
    (err: unknown) => err,
  );
}

/** An HTTP server that answers every request with `status`, or (null) closes the connection at once. */
async function answering(status: number | null): Promise<{ url: string; close(): void }> {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    if (status === null) {
      socket.destroy();
      return;
    }
    socket.once("data", () => socket.end(`HTTP/1.1 ${status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/shop.git`, close: () => server.close() };
}

describe("classifying a failed fetch", () => {
  it.each([
    [503, { kind: "transient", reason: "git's server answered HTTP 503" }],
    [429, { kind: "transient", reason: "git's server answered HTTP 429" }],
    [401, { kind: "auth" }],
    [404, { kind: "permanent" }],
  ] as const)("HTTP %i", async (status, expected) => {
    const server = await answering(status);
    try {
      expect(classifyGitFailure(await fetchFailure(server.url))).toEqual(expected);
    } finally {
      server.close();
    }
  });

  it("a connection closed without an answer is a passing network error", async () => {
    const server = await answering(null);
    try {
      expect(classifyGitFailure(await fetchFailure(server.url))).toEqual({ kind: "transient", reason: "a network error" });
    } finally {
      server.close();
    }
  });

  it("names the git command in the message, not its first option", async () => {
    const server = await answering(404);
    try {
      const err = (await fetchFailure(server.url)) as Error;
      expect(err).toBeInstanceOf(GitError);
      expect(err.message).toMatch(/^git fetch failed: /);
    } finally {
      server.close();
    }
  });

  it("anything that is not a git failure is permanent", () => {
    expect(classifyGitFailure(new Error("boom"))).toEqual({ kind: "permanent" });
  });
});
