import { afterAll, beforeAll, describe } from "vitest";
import { buildCli } from "../helpers/build-cli.js";
import { startGitHttpServer } from "../helpers/git-http-server.js";
import type { GitHttpServer } from "../helpers/git-http-server.js";
import { tempDir } from "../helpers/repo.js";
import { createPushFixture } from "./push-fixture.js";
import { pushScenarios } from "./push-scenarios.js";

// The same scenarios over smart HTTP: git http-backend runs receive-pack and the hook
// under the web server's environment, with the authenticated user as REMOTE_USER.

let fx: ReturnType<typeof createPushFixture>;
let server: GitHttpServer;
beforeAll(async () => {
  const root = tempDir("leakguard-http-");
  server = await startGitHttpServer({ root, remoteUser: "ada" });
  fx = createPushFixture({ cli: buildCli(), baseUrl: () => server.url, root });
});
afterAll(async () => {
  await server?.close();
});

describe("pre-receive hook, pushing over smart HTTP (git http-backend)", () => {
  pushScenarios(() => fx);
});
