import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// A second loopback server that records every request made to it and answers with
// `respond` (default 404): where a token must never arrive. Used for hostile clone URLs and
// redirect targets.

export interface Recorder {
  url: string;
  port: number;
  readonly requests: { method: string; path: string; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

export async function startRecorder(respond?: (path: string) => { status: number; headers?: Record<string, string> }): Promise<Recorder> {
  const requests: Recorder["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    req.resume();
    const r = respond?.(req.url ?? "") ?? { status: 404 };
    res.writeHead(r.status, r.headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
