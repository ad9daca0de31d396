import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// Serves the bare repositories under `root` over git's smart HTTP protocol with the real
// `git http-backend` (CGI), on 127.0.0.1. An optional check on the Authorization header
// stands in for GitHub's token check, so tests prove that fetches carry the token.

export interface GitHttpServer {
  /** http://127.0.0.1:PORT/<path> for a repository at root/<path>. */
  url(path: string): string;
  /** Authorization headers seen, in order (tests assert the token was used, and how). */
  readonly requests: { path: string; authorization: string | null }[];
  close(): Promise<void>;
}

export interface GitHttpOptions {
  root: string;
  /** Return false to answer 401. Called with the raw Authorization header (or null). */
  authorize?: (authorization: string | null) => boolean;
}

function runBackend(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: "127.0.0.1",
    REMOTE_USER: "x-access-token",
    GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
    HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
  };
  const cgi = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const i = line.indexOf(":");
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    res.write(head.subarray(end + 4));
  });
  cgi.on("close", () => res.end());
  cgi.on("error", () => {
    res.statusCode = 500;
    res.end();
  });
}

export async function startGitHttpServer(opts: GitHttpOptions): Promise<GitHttpServer> {
  const requests: GitHttpServer["requests"] = [];
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? null;
    requests.push({ path: req.url ?? "", authorization });
    if (opts.authorize && !opts.authorize(authorization)) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="test"' }).end();
      return;
    }
    runBackend(opts.root, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}/${path.replace(/^\/+/, "")}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
