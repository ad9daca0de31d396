// The webhook sender the benchmarks share: every request of a burst sent as fast as
// `connections` keep-alive connections carry them, from a thread of its own (the caller's
// thread may be serving the app, the GitHub double or git), timing each acknowledgement.
import { Worker } from "node:worker_threads";

/** Milliseconds on a clock every thread of this process shares. */
export const now = () => performance.timeOrigin + performance.now();

export interface Sent {
  /** Each delivery's first attempt (now()), in request order. */
  firstAt: number[];
  acks: number[];
  refused: number;
}

// Every delivery sent as fast as the connections carry them. The app answers 503 + Retry-After
// when more bodies than it reads at once arrive (server.ts): sent again after the wait, as a
// sender honouring Retry-After would; counted, and the push's latency runs from the first attempt.
const SENDER = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const now = () => performance.timeOrigin + performance.now();
const { requests: reqs, connections } = workerData;
const firstAt = new Array(reqs.length);
const acks = [];
let refused = 0;
let next = 0;
// node:http with keep-alive, not fetch: fetch costs the sender about 1.3 ms of CPU a request,
// which at 32 connections made its own floor p50 43 ms (see the floor row).
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const send = (url, method, headers, body) => new Promise((resolve, reject) => {
  const u = new URL(url);
  const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname, method, headers: body ? { ...headers, "content-length": Buffer.byteLength(body) } : headers }, (res) => {
    res.resume();
    res.on("end", () => resolve(res.statusCode));
  });
  req.on("error", reject);
  req.end(body);
});
// Every connection opened before the clock.
const origins = [...new Set(reqs.map((r) => new URL(r.url).origin))];
const warm = () => Promise.all(origins.flatMap((o) => Array.from({ length: connections }, () => send(o + "/healthz", "GET", {}))));
warm().then(() => Promise.all(Array.from({ length: connections }, async () => {
  for (let i = next++; i < reqs.length; i = next++) {
    const { url, headers, body } = reqs[i];
    firstAt[i] = now();
    for (;;) {
      const t = now();
      const status = await send(url, "POST", headers, body);
      // Only an acknowledgement counts: a 503 is a refusal (GitHub would not send it again), counted apart.
      if (status === 202) {
        acks.push(now() - t);
        break;
      }
      if (status !== 503) throw new Error("delivery answered " + status);
      refused++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}))).then(() => parentPort.postMessage({ firstAt, acks, refused }), (err) => parentPort.postMessage({ error: String(err && err.message || err) }));
`;

export function sendBurst(requests: { url: string; headers: Record<string, string>; body: string }[], connections = 32): Promise<Sent> {
  const worker = new Worker(SENDER, { eval: true, workerData: { requests, connections } });
  return new Promise<Sent>((resolve, reject) => {
    worker.once("message", (m: Sent | { error: string }) => ("error" in m ? reject(new Error(m.error)) : resolve(m)));
    worker.once("error", reject);
  }).finally(() => void worker.terminate());
}

export const quantile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
