import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

// A loopback HTTP front for the git server that does what GitHub does at its door: checks
// the Authorization header (here against the tokens the GitHub double issued) and answers
// 401 otherwise. It records every header it saw, so tests prove that fetches carry the token.
// Async git only: it runs in the test's process (unlike the git server behind it).
// `failNext` makes it answer as an overloaded GitHub does (503, 429…) for the next requests.

export interface TokenGate {
  url: string;
  readonly requests: { path: string; authorization: string | null; status: number }[];
  /** The next `times` requests (default 1) whose path matches get `status` and no body, before the token is checked. */
  failNext(fault: { status: number; times?: number; path?: RegExp }): void;
  close(): Promise<void>;
}

export async function startTokenGate(opts: { target: string; authorize(authorization: string | null): boolean }): Promise<TokenGate> {
  const target = new URL(opts.target);
  const requests: TokenGate["requests"] = [];
  const faults: { status: number; left: number; path: RegExp }[] = [];
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? null;
    const entry = { path: req.url ?? "", authorization, status: 0 };
    requests.push(entry);
    const fault = faults.find((f) => f.path.test(entry.path));
    if (fault) {
      if (--fault.left <= 0) faults.splice(faults.indexOf(fault), 1);
      req.resume();
      entry.status = fault.status;
      res.writeHead(fault.status, { "Content-Type": "text/plain", "Retry-After": "1" }).end("Service Unavailable\n");
      return;
    }
    if (!opts.authorize(authorization)) {
      req.resume();
      entry.status = 401;
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="GitHub"' }).end();
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        entry.status = up.statusCode ?? 502;
        res.writeHead(entry.status, up.headers);
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
    failNext: (f) => faults.push({ status: f.status, left: f.times ?? 1, path: f.path ?? /./ }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
