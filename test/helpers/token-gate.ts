import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

// A loopback HTTP front for the git server that does what GitHub does at its door: checks
// the Authorization header (here against the tokens the GitHub double issued) and answers
// 401 otherwise. It records every header it saw, so tests prove that fetches carry the token.
// Async git only: it runs in the test's process (unlike the git server behind it).

export interface TokenGate {
  url: string;
  readonly requests: { path: string; authorization: string | null }[];
  close(): Promise<void>;
}

export async function startTokenGate(opts: { target: string; authorize(authorization: string | null): boolean }): Promise<TokenGate> {
  const target = new URL(opts.target);
  const requests: TokenGate["requests"] = [];
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? null;
    requests.push({ path: req.url ?? "", authorization });
    if (!opts.authorize(authorization)) {
      req.resume();
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="GitHub"' }).end();
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
