// Smart HTTP server for tests, run as its own process by git-http-server.ts (so that a
// test may call git synchronously without blocking the server's event loop).
// Each request runs `git http-backend` as a CGI program, as Apache or nginx+fcgiwrap would.
// Usage: node git-http-backend.mjs ROOT [REMOTE_USER]; prints "listening PORT".
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const [root, remoteUser] = process.argv.slice(2);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const h = req.headers;
  const env = {
    ...process.env,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    GATEWAY_INTERFACE: "CGI/1.1",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: h["content-type"] ?? "",
    REMOTE_ADDR: "127.0.0.1",
    ...(h["content-length"] ? { CONTENT_LENGTH: h["content-length"] } : {}),
    ...(h["content-encoding"] ? { HTTP_CONTENT_ENCODING: h["content-encoding"] } : {}),
    ...(h["git-protocol"] ? { GIT_PROTOCOL: String(h["git-protocol"]) } : {}),
    ...(remoteUser ? { REMOTE_USER: remoteUser } : {}),
  };
  const cgi = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "inherit"] });
  req.pipe(cgi.stdin);
  cgi.stdin.on("error", () => {});
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on("data", (chunk) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf("\r\n\r\n");
    const lf = head.indexOf("\n\n");
    const end = crlf !== -1 ? crlf + 4 : lf !== -1 ? lf + 2 : -1;
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

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
