import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// Smart HTTP for tests: a loopback server that runs `git http-backend` as a CGI program
// for each request, as Apache or nginx+fcgiwrap would. Repositories under `root` are
// served at /<name>; pushing needs `http.receivepack=true` in the repository (or a
// remoteUser, which http-backend treats as an authenticated pusher).

export interface GitHttpServer {
  url: string;
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  root: string;
  /** Sent to git as REMOTE_USER: the authenticated user a front end would pass on. */
  remoteUser?: string;
  /** Extra environment for http-backend and so for the hooks it runs. */
  env?: NodeJS.ProcessEnv;
}

export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...opts.env,
      GIT_PROJECT_ROOT: opts.root,
      GIT_HTTP_EXPORT_ALL: "1",
      GATEWAY_INTERFACE: "CGI/1.1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_ADDR: "127.0.0.1",
      ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      ...(opts.remoteUser ? { REMOTE_USER: opts.remoteUser } : {}),
    };
    const cgi = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "inherit"] });
    req.pipe(cgi.stdin);
    cgi.stdin.on("error", () => {});
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n") !== -1 ? head.indexOf("\r\n\r\n") + 4 : head.indexOf("\n\n") !== -1 ? head.indexOf("\n\n") + 2 : -1;
      if (end === -1) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i <= 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end));
    });
    cgi.on("close", () => {
      if (!headersDone) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
